/** The logging surface the core needs; a pino logger satisfies it. */

type LogFn = (object: Record<string, unknown>, message?: string) => void;

export interface CoreLogger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => {};

export const silentLogger: CoreLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
};
