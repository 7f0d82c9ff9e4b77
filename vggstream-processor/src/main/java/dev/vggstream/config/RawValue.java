package dev.vggstream.config;

/**
 * A value as written by the operator, before parsing.
 *
 * @param origin where exactly it was written (a file, a variable name), for error messages
 */
record RawValue(String key, String text, Source source, String origin) {
}
