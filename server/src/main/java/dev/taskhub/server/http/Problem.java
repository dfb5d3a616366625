package dev.taskhub.server.http;

/**
 * An error answer in the RFC 9457 problem shape, served as {@code application/problem+json}.
 *
 * @param type a URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title short, the same for every problem of the type
 * @param status the HTTP status code
 * @param detail what went wrong this time, naming the operation and the key
 */
public record Problem(String type, String title, int status, String detail) {}
