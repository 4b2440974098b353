package com.calmline.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real service on a free port: embedded real Redis in a temp dir, the real Vosk model. */
final class RunningService implements AutoCloseable {
    final App app;
    final Path dataDir;
    final Config config;

    private RunningService(Config config, Path dataDir) throws IOException {
        this.config = config;
        this.dataDir = dataDir;
        this.app = new App(config).start();
    }

    static RunningService start(Map<String, String> extraEnv) throws IOException {
        Path data = Files.createTempDirectory("calmline-it");
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "DATA_DIR", data.toString()));
        env.putAll(extraEnv);
        return new RunningService(Config.fromEnv(env), data);
    }

    URI url() {
        return URI.create("http://localhost:" + app.port());
    }

    /** The value of a metric without labels, as /metrics shows it now. */
    double metric(String name) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.]+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(name + " is not in /metrics: " + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    Simulator simulator() {
        return new Simulator(url(), config.publicBaseUrl().orElse(url().toString()), config.twilioAuthToken(),
                config.apiToken());
    }

    @Override
    public void close() throws Exception {
        app.close();
    }

}
