/**
 * For command-line tools (scripts/, npm run report): when the reader of their output goes away, as `head`
 * does once it has read enough, a write fails with EPIPE. Node reports that as an uncaught error with a
 * stack trace; a command piped into `head` should simply end. Call once at the start of a tool.
 */
export function exitQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
