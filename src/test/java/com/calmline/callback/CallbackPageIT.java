package com.calmline.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.Deployment;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agents' callbacks page as a person uses it, over HTTP against the real service and Redis: an empty list
 * says so and what to do; a refused form says what is wrong in its own error style, without repeating the number
 * in any form, and keeps what was typed so one field is corrected, not the whole form.
 */
class CallbackPageIT {
    private static final Pattern ERROR = Pattern.compile("<p class=\"error\" id=\"callback-error\" role=\"alert\">"
            + "([^<]*)</p>");
    /** A fresh deployment per test: the list starts empty. */
    @RegisterExtension
    final Deployment deployment = Deployment.demo().user("cara", "agent").build();

    @Test
    void anEmptyListSaysNothingIsScheduledAndHowToScheduleOne() throws Exception {
        Browserless cara = signedIn();
        String page = cara.get("/agent/callbacks").body();
        assertTrue(page.contains("No callbacks scheduled. Schedule one with the form above"), page);
        assertFalse(page.contains("<table"), "no empty table: " + page);

        HttpResponse<String> made = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone",
                "800 555 0199", "reason", "check the new router arrived"));
        assertEquals(303, made.statusCode(), made.body());
        String listed = cara.get(made.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(listed.contains("<p class=\"notice\" role=\"status\">Callback scheduled.</p>"), listed);
        assertFalse(listed.contains("No callbacks scheduled"), listed);
        assertTrue(listed.contains("check the new router arrived") && listed.contains("<table"), listed);
    }

    @Test
    void aBadNumberIsAnErrorThatSaysWhatIsWrongWithoutEchoingItAndKeepsTheForm() throws Exception {
        Browserless cara = signedIn();
        String at = LocalDate.now().plusDays(2).atTime(11, 15).toString();
        HttpResponse<String> bad = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone", "555 12345",
                "reason", "check the new router arrived", "at", at));
        assertEquals(400, bad.statusCode());
        String page = bad.body();
        Matcher error = ERROR.matcher(page);
        assertTrue(error.find(), "an error in the error style: " + page);
        assertTrue(error.group(1).startsWith("That isn&#39;t a valid phone number: check the digits")
                || error.group(1).startsWith("That isn't a valid phone number: check the digits"), error.group(1));
        assertFalse(page.contains("class=\"notice\""), "not the success banner: " + page);
        assertFalse(error.group(1).contains("2345"), "the number is not repeated, masked or not: " + error.group(1));
        assertEquals(1, count(page, "555 12345"), "the number typed, only in its field, to correct it: " + page);
        assertTrue(page.contains("value=\"555 12345\" aria-invalid=\"true\" aria-describedby=\"callback-error\""),
                "the number's field is marked as the one to correct: " + page);
        assertTrue(page.contains("value=\"check the new router arrived\"") && page.contains("value=\"" + at + "\""),
                "the other fields as typed: " + page);
        assertTrue(page.contains("No callbacks scheduled"), "nothing was scheduled: " + page);

        HttpResponse<String> words = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone",
                "call me on monday", "reason", "refund"));
        Matcher wordsError = ERROR.matcher(words.body());
        assertTrue(wordsError.find(), words.body());
        assertTrue(wordsError.group(1).startsWith("That doesn&#39;t look like a phone number")
                || wordsError.group(1).startsWith("That doesn't look like a phone number"), wordsError.group(1));
    }

    @Test
    void aMissingReasonMarksThatFieldAndKeepsTheNumber() throws Exception {
        Browserless cara = signedIn();
        HttpResponse<String> bad = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone", "800 555 0199",
                "reason", "  "));
        assertEquals(400, bad.statusCode());
        Matcher error = ERROR.matcher(bad.body());
        assertTrue(error.find(), bad.body());
        assertTrue(error.group(1).startsWith("Say what the callback is about"), error.group(1));
        assertTrue(bad.body().contains("value=\"800 555 0199\" aria-invalid") == false
                && bad.body().contains("value=\"800 555 0199\""), "the number kept, not marked: " + bad.body());
        assertTrue(bad.body().contains("value=\"\" aria-invalid=\"true\" aria-describedby=\"callback-error\""),
                "the reason's field is the one marked: " + bad.body());
    }

    private Browserless signedIn() throws Exception {
        Browserless cara = new Browserless(deployment.service().url());
        cara.login("cara", Deployment.PASSWORD);
        return cara;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
