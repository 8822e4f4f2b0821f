package dev.txchat.jdbi.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a ticket's details (a flat map of strings) as a JSON object, so the column stays
 * readable to people and to the database's JSON functions. Control characters and unpaired
 * surrogates are escaped, so any Java string round-trips, even on databases that cannot
 * store NUL or invalid UTF-16.
 */
public final class DetailsCodec {
    private DetailsCodec() {
    }

    public static String encode(Map<String, String> details) {
        StringBuilder out = new StringBuilder("{");
        // sorted so equal maps give equal text
        for (Map.Entry<String, String> e : new TreeMap<>(details).entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(out, e.getKey());
            out.append(':');
            string(out, e.getValue());
        }
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                unicode(out, c);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                unicode(out, c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void unicode(StringBuilder out, char c) {
        out.append(String.format("\\u%04x", (int) c));
    }

    public static Map<String, String> decode(String json) {
        Parser p = new Parser(json);
        Map<String, String> map = new LinkedHashMap<>();
        p.skipSpace();
        p.expect('{');
        p.skipSpace();
        if (p.peek() == '}') {
            return map;
        }
        while (true) {
            p.skipSpace();
            String key = p.string();
            p.skipSpace();
            p.expect(':');
            p.skipSpace();
            map.put(key, p.string());
            p.skipSpace();
            char c = p.next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw new IllegalStateException("malformed ticket details at " + (p.pos - 1));
            }
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        char peek() {
            if (pos >= s.length()) {
                throw new IllegalStateException("truncated ticket details");
            }
            return s.charAt(pos);
        }

        char next() {
            char c = peek();
            pos++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalStateException("malformed ticket details at " + (pos - 1) + ", expected " + c);
            }
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new IllegalStateException("truncated ticket details");
                        }
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw new IllegalStateException("malformed escape in ticket details at " + (pos - 1));
                }
            }
        }
    }
}
