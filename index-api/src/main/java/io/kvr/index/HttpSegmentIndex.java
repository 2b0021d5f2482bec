package io.kvr.index;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kvr.http.Json;
import io.kvr.http.Millis;
import io.kvr.http.access.AccessControl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link SegmentIndex} in another process, reached through its {@link IndexRoutes}. An indexer instance asked
 * this way routes each stream's query to the instance that owns the stream; with {@code localOnly} it answers
 * from its own stores only (how instances forward to each other, so a query never travels twice). A range
 * longer than the server answers at once comes in pages ({@link IndexRoutes#NEXT_START}), which are followed. An
 * indexer with {@code access.required=true} wants an operator's credential: the API key given here
 * ({@code index.api.key}) goes with every query as {@code X-Api-Key}.
 */
public final class HttpSegmentIndex implements SegmentIndex {
    private final URI base;
    private final boolean localOnly;
    private final String apiKey;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SegmentListCodec codec = new SegmentListCodec();

    public HttpSegmentIndex(URI base) {
        this(base, false);
    }

    public HttpSegmentIndex(URI base, boolean localOnly) {
        this(base, localOnly, null);
    }

    /** The API key a client of an indexer that requires access sends ({@code index.api.key}), or null. */
    public static String apiKey(io.kvr.runtime.config.Settings settings) {
        String key = settings.string("index.api.key", "").trim();
        return key.isEmpty() ? null : key;
    }

    /** {@code apiKey}: an operator's API key sent with every query, or null (or blank) for none. */
    public HttpSegmentIndex(URI base, boolean localOnly, String apiKey) {
        this.base = base;
        this.localOnly = localOnly;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private HttpRequest request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET();
        return apiKey == null
                ? b.build()
                : b.header(AccessControl.API_KEY_HEADER, apiKey).build();
    }

    @Override
    public List<StreamSummary> streams() {
        try (InputStream in = get("/v1/index/streams" + (localOnly ? "?" + IndexRoutes.LOCAL_ONLY + "=1" : ""))) {
            return Json.read(in, new TypeReference<List<StreamSummary>>() {});
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StreamSummary> summary(String streamId) {
        int slash = streamId.indexOf('/');
        String path = "/v1/index/streams/" + enc(streamId.substring(0, slash)) + "/"
                + enc(streamId.substring(slash + 1)) + (localOnly ? "?" + IndexRoutes.LOCAL_ONLY + "=1" : "");
        try {
            HttpResponse<InputStream> r = client.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) {
                    return Optional.empty();
                }
                if (r.statusCode() != 200) {
                    throw new IndexUnavailableException("index at " + base + " answered " + r.statusCode(), null);
                }
                return Optional.of(Json.read(in, StreamSummary.class));
            }
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexUnavailableException("interrupted", e);
        }
    }

    @Override
    public List<IndexedSegment> latest(String streamId, int limit) {
        return segments(streamId, "last=" + limit);
    }

    /**
     * Every page of the range (see {@link IndexRoutes}): a range longer than the server answers at once is asked in
     * turns, within the stream's recorded time only (so a range of centuries costs the pages of its recordings).
     */
    @Override
    public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
        long from = Math.max(0, startMs);
        long to = Math.min(Millis.LATEST, endMs);
        if (to <= from) {
            return List.of();
        }
        List<IndexedSegment> out = new ArrayList<>();
        for (boolean firstPage = true; ; firstPage = false) {
            long pageStart = from;
            HttpResponse<InputStream> page = send(segmentsPath(streamId, rangeQuery(pageStart, to)));
            try (InputStream in = page.body()) {
                for (IndexedSegment s : codec.decode(in)) {
                    // a segment crossing into this page from the one before was in that page already
                    if (firstPage || s.segment().getStartTimeMs() >= pageStart) {
                        out.add(s);
                    }
                }
            } catch (IOException e) {
                throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
            }
            OptionalLong next = nextStart(page, pageStart, to);
            if (next.isEmpty()) {
                return out;
            }
            from = next.getAsLong();
            if (firstPage) {
                // no segment starts before the first or ends after the last: the pages outside hold nothing
                Optional<StreamSummary> recorded = summary(streamId);
                if (recorded.isEmpty()) {
                    return out;
                }
                from = Math.max(from, recorded.get().firstStartMs());
                to = Math.min(to, recorded.get().lastEndMs());
                if (from >= to) {
                    return out;
                }
            }
        }
    }

    /**
     * The owner's answer as it came when it fits one page (an indexer forwarding a query passes it on without
     * decoding it); a longer range is gathered page by page and encoded again.
     */
    @Override
    public byte[] rangeEncoded(String streamId, long startMs, long endMs) {
        long from = Math.max(0, startMs);
        long to = Math.min(Millis.LATEST, endMs);
        if (to <= from) {
            return codec.encode(List.of());
        }
        HttpResponse<InputStream> first = send(segmentsPath(streamId, rangeQuery(from, to)));
        if (nextStart(first, from, to).isPresent()) {
            closeQuietly(first);
            return codec.encode(range(streamId, from, to));
        }
        try (InputStream in = first.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    /** The next page's start a paged answer names; empty for the last page. */
    private OptionalLong nextStart(HttpResponse<InputStream> page, long pageStart, long end) {
        Optional<String> header = page.headers().firstValue(IndexRoutes.NEXT_START);
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        long next;
        try {
            next = Long.parseLong(header.get());
        } catch (NumberFormatException e) {
            next = -1;
        }
        // each page must move forward and stay inside the range, or the pages would never end
        if (next <= pageStart || next >= end) {
            closeQuietly(page);
            throw new IndexUnavailableException(
                    "index at " + base + " answered a bad " + IndexRoutes.NEXT_START + " header", null);
        }
        return OptionalLong.of(next);
    }

    private static String rangeQuery(long startMs, long endMs) {
        return "start=" + startMs + "&end=" + endMs;
    }

    private List<IndexedSegment> segments(String streamId, String query) {
        try (InputStream in = get(segmentsPath(streamId, query))) {
            return codec.decode(in);
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    private String segmentsPath(String streamId, String query) {
        int slash = streamId.indexOf('/');
        return "/v1/index/segments/" + enc(streamId.substring(0, slash)) + "/" + enc(streamId.substring(slash + 1))
                + "?" + query + (localOnly ? "&" + IndexRoutes.LOCAL_ONLY + "=1" : "");
    }

    private InputStream get(String pathAndQuery) {
        return send(pathAndQuery).body();
    }

    private static void closeQuietly(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException e) {
            // nothing more to read from it
        }
    }

    /** A 200 answer, its body still to read; anything else is {@link IndexUnavailableException}. */
    private HttpResponse<InputStream> send(String pathAndQuery) {
        try {
            HttpResponse<InputStream> r = client.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IndexUnavailableException("index at " + base + " answered " + r.statusCode(), null);
            }
            return r;
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexUnavailableException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
