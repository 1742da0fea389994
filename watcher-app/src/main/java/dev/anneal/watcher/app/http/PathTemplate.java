package dev.anneal.watcher.app.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's path: literal segments and {@code {name}} segments that capture one whole segment,
 * such as {@code /api/runs/{id}/ack}.
 *
 * <p>Request paths are matched segment by segment after each segment is decoded <em>as a path
 * segment</em> (RFC 3986), not as a form: {@code %XX} is a UTF-8 byte and {@code +} is a plus sign,
 * so {@code /api/runs/a+b} names the run {@code a+b}. The raw path is split at {@code /} before
 * decoding, so an encoded slash ({@code %2F}) stays inside its segment: {@code /api/runs/a%2Fb} names
 * the run {@code a/b}. Run ids are opaque strings from the telemetry and may contain anything; this
 * is the one way to name every one of them. A trailing slash is ignored ({@code /api/runs/} is
 * {@code /api/runs}); empty segments elsewhere match nothing.
 */
public final class PathTemplate {

    private static final Pattern PARAM = Pattern.compile("\\{([a-z][a-z0-9_]*)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~-]+");

    private final String text;
    /** Each segment: a literal, or the parameter name when {@link #isParam} says so. */
    private final List<String> segments;
    private final List<Boolean> isParam;

    private PathTemplate(String text, List<String> segments, List<Boolean> isParam) {
        this.text = text;
        this.segments = List.copyOf(segments);
        this.isParam = List.copyOf(isParam);
    }

    /**
     * Parses a template such as {@code /api/runs/{id}}.
     *
     * @throws IllegalArgumentException when it is not one (a programming error)
     */
    public static PathTemplate of(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with '/': " + template);
        }
        List<String> segments = new ArrayList<>();
        List<Boolean> params = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (!template.equals("/")) {
            for (String s : template.substring(1).split("/", -1)) {
                var m = PARAM.matcher(s);
                if (m.matches()) {
                    if (!names.add(m.group(1))) {
                        throw new IllegalArgumentException("parameter {" + m.group(1) + "} twice in " + template);
                    }
                    segments.add(m.group(1));
                    params.add(true);
                } else if (LITERAL.matcher(s).matches()) {
                    segments.add(s);
                    params.add(false);
                } else {
                    throw new IllegalArgumentException("bad segment '" + s + "' in path template " + template);
                }
            }
        }
        return new PathTemplate(template, segments, params);
    }

    /** The parameter values when {@code path} (decoded segments, see {@link #segments}) matches. */
    public Optional<Map<String, String>> match(List<String> path) {
        if (path.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String s = path.get(i);
            if (isParam.get(i)) {
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                values.put(segments.get(i), s);
            } else if (!segments.get(i).equals(s)) {
                return Optional.empty();
            }
        }
        return Optional.of(values);
    }

    /** The first segment when it is a literal ({@code api} of {@code /api/runs}). */
    public Optional<String> firstLiteral() {
        return segments.isEmpty() || isParam.get(0) ? Optional.empty() : Optional.of(segments.get(0));
    }

    /**
     * The decoded segments of a raw (still percent-encoded) request path, as described on the class.
     *
     * @throws IllegalArgumentException when a {@code %} is not followed by two hex digits or the bytes
     *                                  are not UTF-8
     */
    public static List<String> segments(String rawPath) {
        if (!rawPath.startsWith("/")) {
            throw new IllegalArgumentException("the path does not start with '/'");
        }
        String p = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        if (p.equals("/")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : p.substring(1).split("/", -1)) {
            out.add(decodeSegment(s));
        }
        return List.copyOf(out);
    }

    /** Percent-decodes one path segment as UTF-8; {@code +} stays a plus sign. */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || Character.digit(segment.charAt(i + 1), 16) < 0
                        || Character.digit(segment.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("'%' must be followed by two hex digits in path segment '"
                            + segment + "'");
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                bytes.write(high * 16 + Character.digit(segment.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path segment '" + segment + "' is not percent-encoded UTF-8", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The template as written. */
    @Override
    public String toString() {
        return text;
    }
}
