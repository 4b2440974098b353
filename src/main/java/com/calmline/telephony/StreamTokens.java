package com.calmline.telephony;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token that binds a media stream to the one call it was issued for: an HMAC of the call sid under the
 * Twilio auth token, which every instance shares, so any instance can check it without a lookup. It rides in
 * the stream URL's query, which Twilio's signature covers; whether the call already had its stream is
 * checked apart, in Redis, which makes the token single-use.
 */
final class StreamTokens {
    private final SecretKeySpec key;

    StreamTokens(String authToken) {
        this.key = new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    String issue(String callSid) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(("stream:" + callSid).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    boolean valid(String callSid, String token) {
        return token != null && MessageDigest.isEqual(issue(callSid).getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
