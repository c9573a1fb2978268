// A Logger that keeps the lines it gets, for asserting on log output.
export function captureLogger() {
  const lines = [];
  const logger = {};
  for (const level of ['debug', 'info', 'warn', 'error']) logger[level] = (message) => lines.push({ level, message });
  return {
    logger,
    lines,
    /** Messages at `level` matching `pattern`. */
    matching: (level, pattern) => lines.filter((line) => line.level === level && pattern.test(line.message)).map((line) => line.message),
  };
}
