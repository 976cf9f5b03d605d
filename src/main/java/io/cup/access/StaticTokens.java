package io.cup.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cup.config.ConfigurationException;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static token file ({@code --api-token-auth-file}), in kube-apiserver's format: CSV lines
 * {@code token,user,uid[,"group1,group2"]} (more columns are ignored; an empty token is skipped; a
 * line starting with {@code #} is a comment, which kube-apiserver does not allow but which costs
 * nothing here). {@link #reload()} re-reads it; a file that no longer parses keeps the tokens that
 * were in force and is reported (line number, never a token).
 *
 * <p>A presented token is looked up by its SHA-256 digest and then compared with the stored token
 * by {@link MessageDigest#isEqual}, which takes the same time wherever the bytes differ: neither
 * the lookup (the digest of an unknown token reveals nothing about known ones) nor the comparison
 * leaks how much of a token was right.
 */
public final class StaticTokens implements TokenAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(StaticTokens.class);
  private static final CsvMapper CSV =
      CsvMapper.builder()
          .enable(CsvParser.Feature.WRAP_AS_ARRAY)
          .enable(CsvParser.Feature.TRIM_SPACES)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .enable(CsvParser.Feature.ALLOW_COMMENTS)
          .build();

  private record Entry(byte[] token, UserInfo user) {}

  private final Path file;
  private final AtomicReference<Map<String, Entry>> tokens = new AtomicReference<>(Map.of());

  private StaticTokens(Path file) {
    this.file = file;
  }

  /**
   * Reads the file. Blocking (file I/O).
   *
   * @throws ConfigurationException naming the file and line of the first malformed record
   */
  public static StaticTokens load(Path file) {
    StaticTokens tokens = new StaticTokens(file);
    tokens.tokens.set(parse(file));
    return tokens;
  }

  /** The file the tokens come from. */
  public Path file() {
    return file;
  }

  /**
   * Reads the file again (after it changed). Blocking. On a malformed file the tokens in force stay
   * and the problem is logged.
   */
  public void reload() {
    try {
      Map<String, Entry> next = parse(file);
      tokens.set(next);
      LOG.info("token file {} reloaded: {} tokens", file, next.size());
    } catch (ConfigurationException e) {
      LOG.warn("token file not reloaded, the tokens in force stay: {}", e.getMessage());
    }
  }

  /** How many tokens are in force. */
  public int size() {
    return tokens.get().size();
  }

  @Override
  public Future<Optional<UserInfo>> authenticate(String token) {
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    Entry entry = tokens.get().get(TokenKey.of(presented));
    if (entry == null || !MessageDigest.isEqual(entry.token(), presented)) {
      return Future.succeededFuture(Optional.empty());
    }
    return Future.succeededFuture(Optional.of(entry.user()));
  }

  private static Map<String, Entry> parse(Path file) {
    Map<String, Entry> byDigest = new HashMap<>();
    try (MappingIterator<List<String>> rows =
        CSV.readerForListOf(String.class)
            .with(CsvSchema.emptySchema())
            .readValues(Files.readAllBytes(file))) {
      while (rows.hasNextValue()) {
        List<String> row = rows.nextValue();
        long line = rows.getCurrentLocation().getLineNr();
        if (row.size() == 1 && row.get(0).isEmpty()) {
          continue;
        }
        if (row.size() < 3) {
          throw new ConfigurationException(
              file
                  + ": line "
                  + line
                  + ": expected at least 3 columns (token, user name, user uid), found "
                  + row.size());
        }
        String token = row.get(0);
        if (token.isEmpty()) {
          LOG.warn("{}: line {}: empty token skipped", file, line);
          continue;
        }
        String user = row.get(1);
        if (user.isEmpty()) {
          throw new ConfigurationException(file + ": line " + line + ": empty user name");
        }
        List<String> groups = new ArrayList<>();
        if (row.size() > 3 && !row.get(3).isEmpty()) {
          for (String group : row.get(3).split(",")) {
            if (!group.isBlank()) {
              groups.add(group.strip());
            }
          }
        }
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        Entry previous =
            byDigest.put(
                TokenKey.of(bytes),
                new Entry(bytes, UserInfo.authenticated(user, row.get(2), groups, null)));
        if (previous != null) {
          LOG.warn("{}: line {}: a token given twice; the later line counts", file, line);
        }
      }
    } catch (JsonProcessingException e) {
      // Jackson's message may quote the line it failed on, which holds a token: name the place only
      throw new ConfigurationException(
          file
              + (e.getLocation() == null ? "" : ": line " + e.getLocation().getLineNr())
              + ": malformed CSV (a quote not closed?)");
    } catch (IOException e) {
      throw new ConfigurationException(file + ": cannot read: " + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      if (e instanceof ConfigurationException) {
        throw e;
      }
      throw new ConfigurationException(file + ": malformed CSV");
    }
    return Map.copyOf(byDigest);
  }
}
