package io.cup.bus;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Proposal ids: 26 characters of lowercase Crockford base32, a 48-bit millisecond timestamp
 * followed by 80 random bits, like a ULID. Ids sort by creation time as strings; ids made in the
 * same millisecond by this JVM increase too (the random part is incremented), so "newest first" is
 * a reverse string sort. Safe in ref names and URLs.
 */
public final class ProposalId {
  /** Short name prefix of proposal branches: {@code cup/proposal/<id>}. */
  public static final String BRANCH_PREFIX = "cup/proposal/";

  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final Generator DEFAULT = new Generator(new SecureRandom());

  private ProposalId() {}

  /** A new id, greater than every id this JVM made before. */
  public static String next() {
    return DEFAULT.next(System.currentTimeMillis());
  }

  /**
   * Makes ids in increasing order; {@link #next()} uses one per JVM (public for the stores' tests).
   */
  public static final class Generator {
    private final SecureRandom random;
    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow; // 64 bits

    public Generator(SecureRandom random) {
      this.random = random;
    }

    public synchronized String next(long millis) {
      if (millis <= lastMillis) {
        // same (or an earlier: the clock went back) millisecond: keep order by counting up
        millis = lastMillis;
        randomLow++;
        if (randomLow == 0) {
          randomHigh = (randomHigh + 1) & 0xFFFF;
          if (randomHigh == 0) {
            millis++;
          }
        }
      } else {
        randomHigh = random.nextInt(1 << 16);
        randomLow = random.nextLong();
      }
      lastMillis = millis;
      char[] id = new char[26];
      long time = millis;
      for (int i = 9; i >= 0; i--) {
        id[i] = ALPHABET[(int) (time & 31)];
        time >>>= 5;
      }
      // 80 random bits as 16 base32 digits: 16 high bits then 64 low bits
      long low = randomLow;
      long high = randomHigh;
      for (int i = 25; i >= 10; i--) {
        id[i] = ALPHABET[(int) (low & 31)];
        low = (low >>> 5) | ((high & 31) << 59);
        high >>>= 5;
      }
      return new String(id);
    }
  }

  /** Where proposal records live: {@code refs/cup/proposals/<id>}. */
  public static final String RECORD_PREFIX = "refs/cup/proposals/";

  /** The proposal branch's short name, {@code cup/proposal/<id>}. */
  public static String branch(String id) {
    return BRANCH_PREFIX + id;
  }

  /**
   * The proposal id a branch (short name) is for: {@code <id>} of {@code cup/proposal/<id>} when it
   * has the form of an id; null for any other branch.
   */
  public static String ofBranch(String branch) {
    if (branch == null || !branch.startsWith(BRANCH_PREFIX)) {
      return null;
    }
    String id = branch.substring(BRANCH_PREFIX.length());
    return isValid(id) ? id : null;
  }

  /** Whether {@code id} has the form of a proposal id. */
  public static boolean isValid(String id) {
    // [0-7][0-9abcdefghjkmnpqrstvwxyz]{25} without a regex: called for every record ref whenever
    // proposals are listed
    if (id == null || id.length() != 26 || id.charAt(0) < '0' || id.charAt(0) > '7') {
      return false;
    }
    for (int i = 1; i < 26; i++) {
      char c = id.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      boolean letter = c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u';
      if (!digit && !letter) {
        return false;
      }
    }
    return true;
  }

  private static final Pattern MERGED =
      Pattern.compile(
          "(?:^Merge proposal |cup/proposal/)([0-7][0-9abcdefghjkmnpqrstvwxyz]{25})(?![0-9a-z])");

  /**
   * The proposal a merge commit's message says it merged, or null: Cup's own merge commits ({@code
   * Merge proposal <id>: …}, local SCM and merges through Cup on a hosted SCM) and the messages
   * SCMs write when merging a branch ({@code Merge pull request #1 from owner/cup/proposal/<id>},
   * {@code Merge branch 'cup/proposal/<id>' into 'main'}). Only the first line is read.
   */
  public static String ofMergeMessage(String message) {
    if (message == null) {
      return null;
    }
    int newline = message.indexOf('\n');
    java.util.regex.Matcher m =
        MERGED.matcher(newline < 0 ? message : message.substring(0, newline));
    return m.find() ? m.group(1) : null;
  }
}
