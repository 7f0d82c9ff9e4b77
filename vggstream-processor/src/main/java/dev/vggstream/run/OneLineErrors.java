package dev.vggstream.run;

import picocli.CommandLine;

/**
 * A failed command prints one line, {@code error: <what went wrong>}, and exits non-zero; the stack trace only
 * with {@code --verbose}, for the people who will read it.
 */
public final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose") || hasVerbose(parsed);
        cl.getErr().println("error: " + message(ex));
        if (verbose) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return ex instanceof CliException c ? c.exitCode() : ExitCodes.FAILED;
    }

    /** A wrong command line: one line saying what is wrong and where to look, not the whole usage text. */
    public static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("error: " + message(ex) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        cl.getErr().flush();
        return ExitCodes.USAGE;
    }

    private static boolean hasVerbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose") || p.hasMatchedOption("-v")) {
                return true;
            }
        }
        return false;
    }

    public static String message(Throwable ex) {
        Throwable t = ex;
        String m = t.getMessage();
        while ((m == null || m.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            m = t.getMessage();
        }
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** {@code cl} with one-line errors, stack traces only with --verbose, and enum values in any case. */
    public static CommandLine configure(CommandLine cl) {
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler(OneLineErrors::handleParameterException);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
