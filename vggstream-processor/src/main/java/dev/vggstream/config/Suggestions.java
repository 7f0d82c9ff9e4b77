package dev.vggstream.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and variables. */
final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate nearest to {@code wanted}, if near enough to be a typo rather than a different word. Names are
     * compared with case and separators ignored, so {@code batch.max_size} finds {@code batch.max-size}.
     */
    static Optional<String> closest(String wanted, Collection<String> candidates) {
        String w = comparable(wanted);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates.stream().sorted().toList()) {
            int d = distance(w, comparable(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Two edits, or a quarter of a long name: beyond that a suggestion is more confusing than helpful.
        int tolerance = Math.max(2, w.length() / 4);
        return bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    private static String comparable(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }

    /** Levenshtein distance, two rows at a time. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
