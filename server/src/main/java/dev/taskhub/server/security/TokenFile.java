package dev.taskhub.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens from {@code --auth-tokens FILE}: one per line, {@code NAME SHA256-HEX ROLES HUBS}
 * ({@code ROLES} a comma-separated subset of {@code reader,worker,contributor,admin}, {@code HUBS}
 * a comma-separated list of hub names or {@code *}); {@code #} starts a comment. The file holds
 * only hashes; a presented token is hashed and compared with every entry in constant time. The file
 * is read again when it changes (looked at no more than once a second); a changed file that does
 * not parse is logged and the previous tokens stay in force.
 */
public final class TokenFile implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
  private static final long RECHECK_MILLIS = 1_000;

  /** One line of the file. */
  record Entry(String name, byte[] hash, Set<Role> roles, boolean allHubs, Set<String> hubs) {}

  private final Path file;
  private final Clock clock;
  private volatile List<Entry> entries;
  private volatile FileTime readModified;
  private volatile long readSize;
  private volatile long checkedAt;

  /**
   * Reads the file.
   *
   * @throws IllegalArgumentException naming the file and line if it does not parse
   */
  public TokenFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    try {
      this.readModified = Files.getLastModifiedTime(file);
      this.readSize = Files.size(file);
      this.entries = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the token file " + file + ": " + e, e);
    }
    this.checkedAt = clock.millis();
    log.info("Accepting {} tokens from {}", entries.size(), file);
  }

  @Override
  public Caller authenticate(String bearer) {
    if (bearer == null || bearer.isBlank()) {
      throw new AccessDenied.Unauthenticated(
          "This Taskhub requires a token: send 'Authorization: Bearer <token>'");
    }
    reloadIfChanged();
    byte[] presented = sha256(bearer.strip());
    Entry match = null;
    for (Entry entry : entries) { // every entry, so the time taken does not say which matched
      if (MessageDigest.isEqual(presented, entry.hash()) && match == null) {
        match = entry;
      }
    }
    if (match == null) {
      throw new AccessDenied.Unauthenticated("The token is not valid for this Taskhub");
    }
    return new Caller(match.name(), match.roles(), match.allHubs(), match.hubs());
  }

  private void reloadIfChanged() {
    long now = clock.millis();
    if (now - checkedAt < RECHECK_MILLIS) {
      return;
    }
    checkedAt = now;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(readModified) && size == readSize) {
        return;
      }
      List<Entry> reread = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
      entries = reread;
      readModified = modified;
      readSize = size;
      log.info("Token file {} changed: accepting {} tokens", file, reread.size());
    } catch (IOException | IllegalArgumentException e) {
      log.error("Token file {} could not be read again; the previous tokens stay: {}", file, e);
    }
  }

  static List<Entry> parse(Path file, List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int comment = line.indexOf('#');
      String content = (comment >= 0 ? line.substring(0, comment) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      String[] fields = content.split("\\s+");
      if (fields.length != 4) {
        throw new IllegalArgumentException(
            where + ": expected NAME SHA256-HEX ROLES HUBS, found " + fields.length + " fields");
      }
      if (!names.add(fields[0])) {
        throw new IllegalArgumentException(where + ": the name '" + fields[0] + "' is used twice");
      }
      byte[] hash;
      try {
        hash = HexFormat.of().parseHex(fields[1]);
      } catch (IllegalArgumentException e) {
        hash = new byte[0];
      }
      if (hash.length != 32) {
        throw new IllegalArgumentException(
            where + ": the second field must be a SHA-256 hash in 64 hex digits");
      }
      Set<Role> roles;
      try {
        roles = Role.parseList(fields[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      if (roles.isEmpty()) {
        throw new IllegalArgumentException(where + ": no roles");
      }
      boolean allHubs = fields[3].equals("*");
      Set<String> hubs = new LinkedHashSet<>();
      if (!allHubs) {
        for (String hub : fields[3].split(",")) {
          if (!hub.isBlank()) {
            hubs.add(hub.strip());
          }
        }
      }
      entries.add(new Entry(fields[0], hash, roles, allHubs, hubs));
    }
    return List.copyOf(entries);
  }

  /** The hex SHA-256 of a token: what its line in the file holds. */
  public static String hashHex(String token) {
    return HexFormat.of().formatHex(sha256(Objects.requireNonNull(token)));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
