package io.kvr.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP server on virtual threads. Errors map to status + JSON body here, in one place: {@link HttpError} gives
 * its status and reason; anything else is a bug, logged, and answered 500 without internals.
 */
public final class HttpService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpService.class);
    private static final int MAX_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Router router;

    private HttpService(HttpServer server, ExecutorService executor, Router router) {
        this.server = server;
        this.executor = executor;
        this.router = router;
    }

    public static HttpService start(String host, int port, Router router) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            HttpService service = new HttpService(server, executor, router);
            server.createContext("/", service::serve);
            server.start();
            log.info("HTTP listening on http://{}:{}/", host, server.getAddress().getPort());
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    private void serve(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        Response response;
        try {
            response = dispatch(exchange, method);
        } catch (HttpError e) {
            response = error(e.status(), e.getMessage());
        } catch (Exception e) {
            log.error("{} {} failed", method, exchange.getRequestURI().getRawPath(), e);
            response = error(500, "internal error");
        }
        send(exchange, method, response);
    }

    private Response dispatch(HttpExchange exchange, String method) throws Exception {
        String rawPath = exchange.getRequestURI().getRawPath();
        String path = decodePath(rawPath);
        var match = router.match(method, path);
        if (match.isEmpty()) {
            throw HttpError.notFound("no such resource: " + sanitize(path));
        }
        if (!match.get().methodAllowed()) {
            throw new HttpError(405, "method " + method + " not allowed on " + sanitize(path));
        }
        Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
        byte[] body = readBody(exchange);
        Request request = new Request(method, path, match.get().params(), query,
                exchange.getRequestHeaders(), body);
        return match.get().route().handler().handle(request);
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    static String decodePath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        try {
            // '+' is literal in paths; only %XX is decoded
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed percent-encoding in path");
        }
    }

    /**
     * Query parameters; a first parameter glued to the path with {@code &} (seed 004's
     * {@code playlist.m3u8&start_time=…}) is handled by the routes that accept it.
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("malformed percent-encoding in query");
            }
        }
        return out;
    }

    /** Keeps control characters out of error messages echoed back to clients and logs. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    public static Response error(int status, String reason) {
        return json(status, Map.of("error", reason, "status", status));
    }

    public static Response json(int status, Object value) {
        try {
            return Response.bytes(status, "application/json", JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, String method, Response response) {
        try (exchange) {
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            long length = response.length();
            boolean head = "HEAD".equals(method);
            if (head && length >= 0) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            }
            exchange.sendResponseHeaders(response.status(), head || length <= 0 ? -1 : length);
            if (!head && length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    response.body().writeTo(out);
                }
            }
        } catch (IOException e) {
            // client went away; nothing to answer
            log.debug("response to {} not delivered: {}", exchange.getRequestURI().getRawPath(), e.getMessage());
        } finally {
            try {
                response.resource().close();
            } catch (Exception e) {
                log.debug("closing the body source of {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
