/** Placeholder: the Replay screen is built on its own branch (pwasettings); this keeps the route. */
export default function ReplayScreen() {
  return (
    <section className="screen">
      <h2 className="screen-title">Replay</h2>
      <p className="card muted">Replay a stored price history or a CSV here.</p>
    </section>
  );
}
