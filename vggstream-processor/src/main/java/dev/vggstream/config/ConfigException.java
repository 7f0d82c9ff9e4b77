package dev.vggstream.config;

import java.util.List;

/**
 * The configuration cannot be used. Carries every problem found, so that an operator fixes them in one round
 * instead of one restart per mistake.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem on its own, in the order found; every one names the key or variable at fault. */
    public List<String> problems() {
        return problems;
    }

    // One line: the CLI prints only the first line of a message, and all problems must reach the operator.
    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        String head = problems.size() == 1
                ? "invalid configuration: "
                : "invalid configuration (" + problems.size() + " problems): ";
        return head + String.join("; ", problems);
    }
}
