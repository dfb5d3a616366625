package dev.taskhub.cli;

import java.io.BufferedReader;
import java.time.Clock;
import java.util.Map;

/**
 * What a command runs with besides its arguments: where its output goes, the environment (the
 * connection string and token variables), standard input (a purge's confirmation) and the clock
 * (relative times, {@code --older-than}). {@link Main} makes the real one; tests make their own.
 */
record Session(Terminal terminal, Map<String, String> env, BufferedReader in, Clock clock) {}
