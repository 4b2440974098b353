package com.calmline.telephony;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.util.List;
import java.util.Map;

/**
 * Sends the SDK's requests for {@code https://api.twilio.com} to another base URL (a stand-in such as
 * WireMock, or an egress proxy). The SDK has no base-URL setting; this is the maintainers' suggested route.
 */
final class RedirectingHttpClient extends NetworkHttpClient {
    private final String base;

    RedirectingHttpClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @Override
    public Response makeRequest(Request request) {
        String url = request.getUrl().replaceFirst("^https://[^/]+", base);
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
