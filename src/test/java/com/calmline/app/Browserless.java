package com.calmline.app;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A person's side of the pages over plain HTTP: cookies kept by hand, forms posted as a browser would. */
public final class Browserless {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI base;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Optional<String> forwardedFor;

    public Browserless(URI base) {
        this(base, Optional.empty());
    }

    /** A person behind a proxy at {@code base}: every request carries {@code X-Forwarded-For: chain}. */
    public Browserless(URI base, Optional<String> forwardedFor) {
        this.base = base;
        this.forwardedFor = forwardedFor;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Opens a page's live feed, as the page's EventSource does, with this person's cookies. */
    public LiveEvents events(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream");
        withHeaders(request);
        return new LiveEvents(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** Signs in through the login form; returns the answer to the form's POST. */
    public HttpResponse<String> login(String user, String password) throws Exception {
        String csrf = csrfIn(get("/login").body());
        return post("/login", Map.of("_csrf", csrf, "user", user, "password", password, "next", "/agent"));
    }

    /** The CSRF token the signed-in pages carry in their forms. */
    public String csrf() throws Exception {
        return csrfIn(get("/agent").body());
    }

    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    public static String csrfIn(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in " + html);
        }
        return m.group(1);
    }

    private void withHeaders(HttpRequest.Builder request) {
        forwardedFor.ifPresent(chain -> request.header("X-Forwarded-For", chain));
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        withHeaders(request);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("Set-Cookie")) {
            String[] pair = set.split(";", 2)[0].split("=", 2);
            if (pair.length == 2 && !pair[1].isEmpty() && !set.contains("Max-Age=0")) {
                cookies.put(pair[0], pair[1]);
            } else {
                cookies.remove(pair[0]);
            }
        }
        return response;
    }

    private static String encode(Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }
}
