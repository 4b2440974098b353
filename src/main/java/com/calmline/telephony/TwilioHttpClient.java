package com.calmline.telephony;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The SDK's HTTP client with what a live call needs: short timeouts (the SDK's are 30 s) and one try (the
 * SDK tries three times, and its HTTP client once more on a 503), because an update that arrives late may talk over a caller who has started again;
 * the conversation retries at the next real pause itself, and a callback dial that may have reached Twilio
 * is looked up before it is tried again. With a base URL, requests for {@code https://api.twilio.com} go
 * there instead (a stand-in such as WireMock, or an egress proxy): the SDK has no base-URL setting, and this
 * is the maintainers' suggested route.
 */
final class TwilioHttpClient extends NetworkHttpClient {
    private final Optional<String> base;

    TwilioHttpClient(Optional<String> base, Duration connectTimeout, Duration responseTimeout) {
        super(client(connectTimeout, responseTimeout));
        this.base = base.map(b -> b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    }

    /**
     * The SDK sets its own 30 s timeouts on every request it makes, over any client default, so the
     * timeouts are put back on each request as it starts down the client's chain.
     */
    private static HttpClientBuilder client(Duration connectTimeout, Duration responseTimeout) {
        RequestConfig timeouts = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                .setResponseTimeout(Timeout.of(responseTimeout))
                .build();
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(responseTimeout)).build())
                .setMaxConnPerRoute(20).setMaxConnTotal(100).build();
        return HttpClientBuilder.create().useSystemProperties().setConnectionManager(connections).disableAutomaticRetries()
                .setDefaultRequestConfig(timeouts)
                .addExecInterceptorFirst("calmline-timeouts", (request, scope, chain) -> {
                    scope.clientContext.setRequestConfig(RequestConfig.copy(scope.clientContext.getRequestConfigOrDefault())
                            .setConnectTimeout(Timeout.of(connectTimeout))
                            .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                            .setResponseTimeout(Timeout.of(responseTimeout)).build());
                    return chain.proceed(request, scope);
                });
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        if (base.isEmpty()) {
            return super.makeRequest(request);
        }
        String url = request.getUrl().replaceFirst("^https://[^/]+", base.get());
        Request copy = new Request(request.getMethod(), url);
        if (request.getAuthStrategy() != null) {
            copy.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            copy.setAuth(request.getUsername(), request.getPassword());
        }
        if (request.getContentType() != null) {
            copy.setContentType(request.getContentType());
        }
        if (request.getBody() != null) {
            copy.setBody(request.getBody());
        }
        each(request.getQueryParams(), copy::addQueryParam);
        each(request.getPostParams(), copy::addPostParam);
        each(request.getHeaderParams(), copy::addHeaderParam);
        return super.makeRequest(copy);
    }

    private interface Adder {
        void add(String name, String value);
    }

    private static void each(Map<String, List<String>> params, Adder adder) {
        params.forEach((name, values) -> values.forEach(v -> adder.add(name, v)));
    }
}
