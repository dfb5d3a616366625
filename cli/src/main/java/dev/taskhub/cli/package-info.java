/**
 * The {@code taskhub} command line: one picocli root ({@link dev.taskhub.cli.Main}) with the
 * server's {@code serve} and {@code token} and the client commands, which speak the Durable Task
 * protocol through the Taskhub SDK's {@code TaskhubClient} (so connection strings, tokens and TLS
 * work as in the SDK). Output goes through {@code Table}, {@code Json} and {@code ProgressBar};
 * exceptions become exit codes and one-line messages in {@code ExitCodes} only.
 */
package dev.taskhub.cli;
