package io.kvr.http.access;

import io.kvr.runtime.stream.StreamName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Static API keys for machines and scripts, from the text file {@code access.api.keys.file}: one
 * {@code KEY ROLE [STREAMS]} per line, {@code #} comments and blank lines ignored.
 * <ul>
 *   <li>{@code KEY}: the key itself (at least {@value #MIN_KEY_LENGTH} characters, no spaces), or
 *       {@code sha256:HEX}, the SHA-256 of the key, so the file need not hold the key;
 *   <li>{@code ROLE}: {@code viewer}, {@code operator}, {@code admin} or {@code publisher} (pushes to the RTSP
 *       server; a key given in clear there also works as a Digest password, {@link #matchClear});
 *   <li>{@code STREAMS}: a comma list of {@code app/stream} or {@code app/*}; every stream when omitted.
 * </ul>
 * e.g. {@code sha256:0d6ba954a5a71c320f9f7719cfb9215bf62ca0078d984b4cbe19be01069689f2 operator live/*}. Keys are
 * compared by their SHA-256, in constant time, against every entry. Neither keys nor their hashes reach a log
 * line, an error message or {@code toString()}.
 */
public final class ApiKeys {
    public static final ApiKeys NONE = new ApiKeys(List.of());
    /** Shortest key accepted in plain form: shorter ones are guessable. */
    public static final int MIN_KEY_LENGTH = 16;

    private static final String HASHED = "sha256:";

    /** {@code clear}: the key as written in the file, or null for a {@code sha256:} entry. */
    private record Entry(byte[] sha256, String clear, Grant grant) {
        @Override
        public String toString() {
            return "Entry[" + grant + "]";
        }
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code file}; each unusable line (or an unreadable file) is reported to {@code problems}. */
    public static ApiKeys load(Path file, Consumer<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.accept("access.api.keys.file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
            return NONE;
        }
        return parse(file.toString(), lines, problems);
    }

    /** The keys of {@code lines}, read from {@code fileName} (named in problems with the line number). */
    public static ApiKeys parse(String fileName, List<String> lines, Consumer<String> problems) {
        List<Entry> entries = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "access.api.keys.file: " + fileName + " line " + number + ": ";
            String[] f = line.split("\\s+", 3);
            if (f.length < 2) {
                problems.accept(where + "expected KEY ROLE [STREAMS]");
                continue;
            }
            byte[] digest = digest(f[0], where, problems);
            Optional<Role> role = Role.ofCredential(f[1]);
            if (role.isEmpty()) {
                problems.accept(where + "the role must be viewer, operator, admin or publisher");
            }
            List<String> streams = f.length == 3 ? streams(f[2], where, problems) : List.of("*");
            if (digest == null || role.isEmpty() || streams == null) {
                continue;
            }
            int same = indexOf(entries, digest);
            if (same >= 0) {
                problems.accept(where + "the same key as line " + lineOf.get(same));
                continue;
            }
            String clear = f[0].regionMatches(true, 0, HASHED, 0, HASHED.length()) ? null : f[0];
            entries.add(new Entry(digest, clear, new Grant(streams, Long.MAX_VALUE, null, null, role.get())));
            lineOf.add(number);
        }
        return new ApiKeys(entries);
    }

    private static byte[] digest(String key, String where, Consumer<String> problems) {
        if (key.regionMatches(true, 0, HASHED, 0, HASHED.length())) {
            String hex = key.substring(HASHED.length());
            if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                problems.accept(where + "sha256: must be followed by 64 hex digits");
                return null;
            }
            return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        }
        if (key.length() < MIN_KEY_LENGTH) {
            problems.accept(where + "a key must be at least " + MIN_KEY_LENGTH + " characters (or sha256:HEX)");
            return null;
        }
        return sha256(key);
    }

    private static List<String> streams(String list, String where, Consumer<String> problems) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String stream = s.strip();
            if (!isStreamPattern(stream)) {
                problems.accept(where + "streams must be a comma list of app/stream or app/*");
                return null;
            }
            out.add(stream);
        }
        return out;
    }

    /** {@code app/stream}, {@code app/*} or {@code *}. */
    static boolean isStreamPattern(String s) {
        if (s.equals("*")) {
            return true;
        }
        if (s.endsWith("/*")) {
            return StreamName.isValidPart(s.substring(0, s.length() - 2));
        }
        try {
            StreamName.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int indexOf(List<Entry> entries, byte[] digest) {
        for (int i = 0; i < entries.size(); i++) {
            if (MessageDigest.isEqual(entries.get(i).sha256(), digest)) {
                return i;
            }
        }
        return -1;
    }

    /** The grant of {@code key} (never expiring), when it is one of the keys. */
    public Optional<Grant> match(String key) {
        byte[] digest = sha256(key);
        Grant found = null;
        // every entry is compared, whether or not one matched already: the time taken says nothing
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.sha256(), digest)) {
                found = e.grant();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The grant of the first key given in clear for which {@code proof} holds: for challenge-response schemes
     * (RTSP Digest) that check a key the client never sends. {@code sha256:} entries cannot be checked so.
     */
    public Optional<Grant> matchClear(java.util.function.Predicate<String> proof) {
        for (Entry e : entries) {
            if (e.clear() != null && proof.test(e.clear())) {
                return Optional.of(e.grant());
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " keys]";
    }
}
