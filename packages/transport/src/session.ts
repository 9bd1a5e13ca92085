// One way to talk to a host, whatever carries it (SSH today; a booted machine or the Kubernetes
// API later): run a command, upload a file, close. Failures are values naming the host.

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Session {
  exec(command: string): Promise<Result<CommandResult>>;
  /** Writes `content` to `path` (the folder must exist) with `mode`. */
  upload(path: string, content: string | Buffer, mode: number): Promise<Result<null>>;
  close(): void;
}
