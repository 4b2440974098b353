package com.calmline.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The service as its own process (the packaged jar), so a test can kill it for real (SIGKILL). */
final class ServiceProcess implements AutoCloseable {
    final URI url;
    final Path dataDir;
    private final Process process;

    private ServiceProcess(URI url, Path dataDir, Process process) {
        this.url = url;
        this.dataDir = dataDir;
        this.process = process;
    }

    /** Starts {@code target/calmline.jar} with {@code env}, its output in target/{@code name}.log; returns once healthy. */
    static ServiceProcess start(Map<String, String> env, Path dataDir, String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "target/calmline.jar")).redirectErrorStream(true)
                .redirectOutput(Path.of("target", name + ".log").toFile());
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("DATA_DIR", dataDir.toString());
        ServiceProcess service = new ServiceProcess(URI.create("http://127.0.0.1:" + port), dataDir, builder.start());
        service.awaitUp(name);
        return service;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
        process.waitFor();
    }

    private void awaitUp(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service process did not start; see target/" + name + ".log");
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
