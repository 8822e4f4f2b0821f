package dev.txchat.spring.web.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A test client of a {@code text/event-stream}: the JDK HttpClient reads the body line by line
 * on a daemon thread and parses events and comments into queues the test polls with timeouts.
 */
final class SseClient implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    record Event(String id, String name, String data) {
    }

    final int status;
    final String contentType;
    final String errorBody;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private final Stream<String> lines;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.lines = response.body();
        if (status != 200) {
            errorBody = lines.collect(Collectors.joining("\n"));
            return;
        }
        errorBody = null;
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(int port, String path, String lastEventId, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream").GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(value(line, 1));
                } else if (line.startsWith("id:")) {
                    id = value(line, 3);
                } else if (line.startsWith("event:")) {
                    name = value(line, 6);
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder(value(line, 5)) : data.append('\n').append(value(line, 5));
                }
            }
        } catch (RuntimeException closed) {
            // the test closed the stream
        }
    }

    private static String value(String line, int from) {
        String value = line.substring(from);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** The next event, or fails after {@code timeout}. */
    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    /** Every event up to and including the first matching {@code until}, or fails after {@code timeout}. */
    List<Event> until(Predicate<Event> until, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no matching event within " + timeout + "; saw " + seen);
            }
            seen.add(event);
            if (until.test(event)) {
                return seen;
            }
        }
    }

    @Override
    public void close() {
        lines.close();
    }
}
