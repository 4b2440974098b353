package com.calmline.telephony;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * The URLs Twilio uses to reach us. Signatures are computed over them, so behind a proxy they must come
 * from PUBLIC_BASE_URL, not from what the proxy forwards; without it, the request's own Host is used.
 */
final class PublicUrls {
    private final Optional<String> base;

    PublicUrls(Optional<String> publicBaseUrl) {
        this.base = publicBaseUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    String http(Context ctx, String path) {
        return base.orElseGet(() -> ctx.scheme() + "://" + ctx.host()) + path;
    }

    String websocket(Context ctx, String path) {
        return http(ctx, path).replaceFirst("^http", "ws");
    }
}
