package com.calmline.app;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A machine reading and writing the service's API with {@link RunningService#API_TOKEN}, as a deployment's tools
 * do.
 */
public final class Api {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final URI base;

    Api(URI base) {
        this.base = base;
    }

    /** {@code GET path}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} of a form. */
    public HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HTTP.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path}, which must succeed, as JSON. */
    public JsonNode json(String path) throws IOException, InterruptedException {
        return succeeded("GET", path, get(path));
    }

    /** {@code POST path}, which must succeed, as JSON. */
    public JsonNode json(String path, Map<String, String> form) throws IOException, InterruptedException {
        return succeeded("POST", path, post(path, form));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + RunningService.API_TOKEN);
    }

    private static JsonNode succeeded(String method, String path, HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.parse(r.body());
    }
}
