import { Component, type ReactNode } from 'react';

/** A fault in one part of the screen shows what went wrong and a reload button, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { message: string | null }> {
  override state = { message: null as string | null };

  static getDerivedStateFromError(error: unknown): { message: string } {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  override render(): ReactNode {
    if (this.state.message === null) return this.props.children;
    return (
      <main className="shell">
        <div className="banner banner-error" role="alert">
          <p>
            <strong>Margin Sentry hit a fault and stopped drawing this screen.</strong> {this.state.message}
          </p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </main>
    );
  }
}
