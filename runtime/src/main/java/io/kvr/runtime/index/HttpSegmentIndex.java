package io.kvr.runtime.index;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvr.runtime.access.AccessControl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SegmentIndex} in another process, reached through its {@link IndexRoutes}. An indexer instance asked
 * this way routes each stream's query to the instance that owns the stream; with {@code localOnly} it answers
 * from its own stores only (how instances forward to each other, so a query never travels twice). An indexer
 * with {@code access.required=true} wants an operator's credential: the API key given here ({@code index.api.key})
 * goes with every query as {@code X-Api-Key}.
 */
public final class HttpSegmentIndex implements SegmentIndex {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final boolean localOnly;
    private final String apiKey;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SegmentListCodec codec = new SegmentListCodec();

    public HttpSegmentIndex(URI base) {
        this(base, false);
    }

    public HttpSegmentIndex(URI base, boolean localOnly) {
        this(base, localOnly, null);
    }

    /** {@code apiKey}: an operator's API key sent with every query, or null (or blank) for none. */
    public HttpSegmentIndex(URI base, boolean localOnly, String apiKey) {
        this.base = base;
        this.localOnly = localOnly;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private HttpRequest request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).GET();
        return apiKey == null ? b.build() : b.header(AccessControl.API_KEY_HEADER, apiKey).build();
    }

    @Override
    public List<StreamSummary> streams() {
        try (InputStream in = get("/v1/index/streams" + (localOnly ? "?" + IndexRoutes.LOCAL_ONLY + "=1" : ""))) {
            return JSON.readValue(in, new TypeReference<List<StreamSummary>>() { });
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StreamSummary> summary(String streamId) {
        int slash = streamId.indexOf('/');
        String path = "/v1/index/streams/" + enc(streamId.substring(0, slash)) + "/" + enc(streamId.substring(slash + 1))
                + (localOnly ? "?" + IndexRoutes.LOCAL_ONLY + "=1" : "");
        try {
            HttpResponse<InputStream> r = client.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() == 404) {
                    return Optional.empty();
                }
                if (r.statusCode() != 200) {
                    throw new IndexUnavailableException("index at " + base + " answered " + r.statusCode(), null);
                }
                return Optional.of(JSON.readValue(in, StreamSummary.class));
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

    @Override
    public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
        return segments(streamId, rangeQuery(startMs, endMs));
    }

    /** The owner's answer as it came: an indexer forwarding a query passes it on without decoding it. */
    @Override
    public byte[] rangeEncoded(String streamId, long startMs, long endMs) {
        try (InputStream in = openSegments(streamId, rangeQuery(startMs, endMs))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    private static String rangeQuery(long startMs, long endMs) {
        return "start=" + startMs + "&end=" + endMs;
    }

    private List<IndexedSegment> segments(String streamId, String query) {
        try (InputStream in = openSegments(streamId, query)) {
            return codec.decode(in);
        } catch (IOException e) {
            throw new IndexUnavailableException("index at " + base + " unreadable: " + e.getMessage(), e);
        }
    }

    private InputStream openSegments(String streamId, String query) {
        int slash = streamId.indexOf('/');
        return get("/v1/index/segments/" + enc(streamId.substring(0, slash)) + "/" + enc(streamId.substring(slash + 1))
                + "?" + query + (localOnly ? "&" + IndexRoutes.LOCAL_ONLY + "=1" : ""));
    }

    private InputStream get(String pathAndQuery) {
        try {
            HttpResponse<InputStream> r = client.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IndexUnavailableException("index at " + base + " answered " + r.statusCode(), null);
            }
            return r.body();
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
