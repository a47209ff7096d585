/** Placeholder: the Settings screen is built on its own branch (pwasettings); this keeps the route. */
export default function SettingsScreen() {
  return (
    <section className="screen">
      <h2 className="screen-title">Settings</h2>
      <p className="card muted">Demo mode: the four demo accounts of the local simulator. Accounts, keys, ladders and quiet hours come here.</p>
    </section>
  );
}
