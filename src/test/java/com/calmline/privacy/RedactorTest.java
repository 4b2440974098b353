package com.calmline.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.calmline.privacy.Redactor.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedactorTest {
    /** What the recogniser produces: lowercase words joined by single spaces. */
    private static final Pattern SPEECH = Pattern.compile("[a-z]+( [a-z]+)*");

    static Stream<Arguments> redacted() {
        return Stream.of(
                // Cards: Luhn-valid runs of 13-19 digits, spoken, written, or both at once.
                arguments("my card number is four one one one one one one one one one one one one one one one",
                        "my card number is [card]"),
                arguments("my visa is 4111 1111 1111 1111 thanks", "my visa is [card] thanks"),
                arguments("4111111111111111", "[card]"),
                arguments("the number was 378282246310005", "the number was [card]"),
                arguments("please charge 5500-0055-5555-5559 today", "please charge [card] today"),
                arguments("it is 6011 1111 1111 1117.", "it is [card]."),
                arguments("it is 4111 one one one one 1111 1111 ok", "it is [card] ok"),
                arguments("four triple one triple one triple one triple one triple one", "[card]"),
                arguments("five five double oh double oh triple five triple five triple five nine", "[card]"),
                arguments("4111 dash 1111 dash 1111 dash 1111 is on file", "[card] is on file"),
                arguments("three seven eight two eight two two four six three one zero zero zero five", "[card]"),
                arguments("Card: 4111-1111-1111-1111, exp 12/27", "Card: [card], exp 12/27"),
                arguments("card:\t4111 1111 1111 1111\n next line", "card:\t[card]\n next line"),
                // Cards: with card context a run of 6-19 digits is a card even when Luhn fails.
                arguments("my credit card is 4111111111111112", "my credit card is [card]"),
                arguments("card number four one one one one one one one one one one one one one one two",
                        "card number [card]"),
                arguments("debit card ending one two three four five six", "debit card ending [card]"),
                arguments("mastercard 5500 0055 5555 5550", "mastercard [card]"),
                arguments("discover one two three four five six seven eight", "discover [card]"),
                arguments("visa 4111 1111 1111 1111 111", "visa [card]"),
                arguments("my card number hmm hold on let me find my wallet ok it is 4111 1111 1111 1112",
                        "my card number hmm hold on let me find my wallet ok it is [card]"),
                // SSN: the written shape always; nine digits after social, security, ssn or "s s n".
                arguments("my social is one two three four five six seven eight nine", "my social is [ssn]"),
                arguments("ssn 123-45-6789", "ssn [ssn]"),
                arguments("id 123-45-6789 on file", "id [ssn] on file"),
                arguments("s s n is one two three four five six seven eight nine", "s s n is [ssn]"),
                arguments("Social security number: 123 45 6789.", "Social security number: [ssn]."),
                arguments("my security number is 123456789", "my security number is [ssn]"),
                arguments("ssn one two three dash four five dash six seven eight nine", "ssn [ssn]"),
                // Phones: ten digits, eleven starting with 1, + and 8-15 digits, seven after phone context.
                arguments("call me on four one five five five five zero one zero zero", "call me on [phone]"),
                arguments("four one five five five five oh one oh oh", "[phone]"),
                arguments("one eight zero zero five five five zero one zero zero", "[phone]"),
                arguments("Customer wants a callback at (415) 555-0100, after 5pm.",
                        "Customer wants a callback at [phone], after 5pm."),
                arguments("cell 415-555-0100", "cell [phone]"),
                arguments("office 415.555.0100", "office [phone]"),
                arguments("dial +1 415 555 0100 now", "dial [phone] now"),
                arguments("Callback scheduled for +14155550100 at 2026-11-26T17:00:00Z",
                        "Callback scheduled for [phone] at 2026-11-26T17:00:00Z"),
                arguments("london +44 20 7946 0958", "london [phone]"),
                arguments("luxembourg +352 123 456", "luxembourg [phone]"),
                arguments("my phone number is 555 0100", "my phone number is [phone]"),
                arguments("reach me at five five five zero one double oh", "reach me at [phone]"),
                arguments("call me at 5550100.", "call me at [phone]."),
                // The nearest context decides between kinds; a "card number" said long before counts last.
                arguments("card number is 4111111111111111 and reach me on 4155550100",
                        "card number is [card] and reach me on [phone]"),
                arguments("my visa, or call me on 4155550100", "my visa, or call me on [phone]"),
                arguments("my card number is on file and my social is 123456789",
                        "my card number is on file and my social is [ssn]"),
                // Spoken e-mail: a name, "at", then a domain ending in a TLD, or a known provider.
                arguments("email me at john dot smith at gmail dot com", "email me at [email]"),
                arguments("it is j o h n at yahoo dot com", "it is [email]"),
                arguments("j o h n dot smith at hotmail dot com", "[email]"),
                arguments("mary underscore jones at outlook", "[email]"),
                arguments("anne hyphen marie at icloud dot com", "[email]"),
                arguments("send it to bob dash lee at example dot co dot uk please", "send it to [email] please"),
                arguments("my email is jane at company dot io", "my email is [email]"),
                arguments("it is jdoe at protonmail dot com thanks", "it is [email] thanks"),
                arguments("write to j dot doe at mail dot example dot de", "write to [email]"),
                // Written e-mail addresses.
                arguments("Reply to john.smith+notes@example.co.uk, thanks", "Reply to [email], thanks"),
                arguments("Email: a_b-c@mail-server.example.org.", "Email: [email]."),
                arguments("contact x@y.io or call 4155550100", "contact [email] or call [phone]"),
                // Date of birth: the date after born / birthday / birth / dob, not the words before it.
                arguments("i was born on march fourteenth nineteen eighty five", "i was born on [dob]"),
                arguments("my date of birth is the fourteenth of march nineteen eighty five",
                        "my date of birth is the [dob]"),
                arguments("DOB: 03/14/1985", "DOB: [dob]"),
                arguments("d o b is oh three one four one nine eight five", "d o b is [dob]"),
                arguments("birthday is on jan 3rd", "birthday is on [dob]"),
                arguments("born 1985-03-14", "born [dob]"),
                arguments("Date of birth: 14.03.1985, verified", "Date of birth: [dob], verified"),
                arguments("born 3/14/85", "born [dob]"),
                arguments("born in march 1985 in ohio", "born in [dob] in ohio"),
                arguments("born on the twenty first of june two thousand and one", "born on the [dob]"),
                arguments("my birthday is twelve twenty five", "my birthday is [dob]"),
                arguments("birthday march the fourth", "birthday [dob]"),
                arguments("my dob is march 3 and my social is 123456789", "my dob is [dob] and my social is [ssn]"));
    }

    static Stream<String> kept() {
        return Stream.of(
                // Digits that are not a card: no Luhn and no context, too short, too long, amounts, ordinals.
                "the order number is 1234567890123",
                "tracking 4111111111111112 shipped",
                "isbn 978-0-306-40615-7",
                "card ending in 4242",
                "card ending one two three four",
                "visa 4111 1111 1111 1111 1111",
                "my card is on the table by the door and six five four three two one",
                "it cost 1,234.56 dollars",
                "total $50 plus 12.99 shipping",
                "items 19.99 19.99 9.99 in the basket",
                "paid $1,234.56 on 03/14/2024",
                "take the lift to the 3rd floor",
                "Meeting moved to 10.30, see notes.",
                // Not an SSN: nine digits without context, or eight with it.
                "reference 123456789 attached",
                "my social is one two three four five six seven eight",
                // Not a phone: eight digits, a six-digit code, seven digits without context, short groups.
                "order 12345678 is late",
                "your code is 123456",
                "ticket 5550100 closed",
                "rooms 101 and 102",
                "version 2.4.1 released in 2024",
                "she said oh no",
                // Not an e-mail: "at" without a name before it or a domain after it.
                "i was at home",
                "call me at nine",
                "meet me at the store dot",
                "i work at home dot depot",
                "at gmail dot com",
                "Error at line 42 of Parser dot java",
                "the meeting is at 9:30 in room 4",
                // Not a date of birth: dates without birth context, birth context without a date.
                "it was delivered on march fourteenth",
                "my order from 03/14/2024",
                "the year was nineteen eighty five",
                "my birthday party was great",
                "he was born to run",
                "i was born and raised here",
                "my birthday is in two weeks",
                "born at home",
                // Whitespace and punctuation come back exactly as they went in.
                "  nothing   here,\tat all.\n");
    }

    @ParameterizedTest
    @MethodSource("redacted")
    void replacesWhatIsSensitiveAndKeepsTheRest(String text, String expected) {
        assertEquals(expected, Redactor.redact(text));
    }

    @ParameterizedTest
    @MethodSource("kept")
    void leavesNearMissesByteForByte(String text) {
        assertEquals(text, Redactor.redact(text));
    }

    static Stream<Arguments> speech() {
        return Stream.concat(redacted(), kept().map(text -> arguments(text, text)))
                .filter(row -> SPEECH.matcher((String) row.get()[0]).matches());
    }

    @ParameterizedTest
    @MethodSource("speech")
    void speechSpansReplaceTheSameWordsAsRedact(String text, String expected) {
        List<String> words = List.of(text.split(" "));
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Span span : Redactor.spans(words)) {
            out.addAll(words.subList(next, span.from()));
            out.add(span.tag());
            next = span.to();
        }
        out.addAll(words.subList(next, words.size()));
        assertEquals(expected, String.join(" ", out));
    }

    @Test
    void spansAreTokenRangesInOrder() {
        assertEquals(List.of(new Span(4, 20, "[card]")), Redactor.spans(List.of(
                "my card number is four one one one one one one one one one one one one one one one".split(" "))));
        assertEquals(List.of(new Span(1, 6, "[email]"), new Span(10, 20, "[phone]")), Redactor.spans(List.of(
                ("email john at gmail dot com and call me on four one five five five five zero one zero zero")
                        .split(" "))));
        assertEquals(List.of(new Span(4, 11, "[phone]")), Redactor.spans(List.of(
                "my phone number is five five five zero one double oh".split(" "))));
        assertEquals(List.of(), Redactor.spans(List.of()));
    }

    /**
     * What Vosk makes of private data read out on a phone line: digits as words that sound like them, a digit
     * or two lost, "at" and "dot" as ordinary words; and the cue often in what the caller said before.
     */
    static Stream<Arguments> misheard() {
        return Stream.of(
                // Cards: homophones after the cue; two lost words inside the run; the cue an utterance earlier.
                arguments("", "my card number is for one one one to two two two one one one one won won won one",
                        "my card number is [card]"),
                arguments("", "okay so the card is five four one two seven five three three juggle only nine one two "
                        + "four six", "okay so the card is [card]"),
                arguments("i want to pay the bill with my debit card please",
                        "right are you ready four six five eight double to oh one nine three three seven oh five "
                                + "one four", "right are you ready [card]"),
                // Phones: homophones, "ate", a double; the cue in the utterance before; no cue but ten digits said.
                arguments("", "call me on for one five five five to oh one double oh", "call me on [phone]"),
                arguments("", "my number's oh two nine two oh seven six oh for for one", "my number's [phone]"),
                arguments("could somebody ring me back tomorrow morning before ten if possible",
                        "it's oh seven seven one two four oh nine double ate three", "it's [phone]"),
                arguments("", "it's five oh three to two seven eight eight one four thanks", "it's [phone] thanks"),
                arguments("", "best number is seven one eight four oh oh twenty nine thirty six",
                        "best number is [phone]"),
                arguments("i've got a new mobile number and the codes still go to the old one",
                        "can you update it so either free six one two five", "can you update it so either [phone]"),
                arguments("", "okay so the cars aside for once you seven five three three juggle only nine one two four "
                        + "six", "okay so the cars aside [phone]"),
                // E-mail: "at" heard as "that", "said", "add"; "dot" as "dots"; "com" as "calm"; the cue before.
                arguments("", "my email is tom dot baker that gmail dot com", "my email is [email]"),
                arguments("", "send it to mark dot tillotson said yahoo dots co dot uk", "send it to [email]"),
                arguments("", "it's jo at hot mail dot com", "it's [email]"),
                arguments("the email on my account is wrong",
                        "could you correct it to priya dot raman eighty to add outlook dot calm",
                        "could you correct it to [email]"),
                // Dates of birth: "for" for four, "forth" for fourth, "birth" heard as "bird", the cue before.
                arguments("", "my date of birth is the thirty first of march nineteen eighty for",
                        "my date of birth is the [dob]"),
                arguments("", "he a bird with the eleventh august nineteen forty eight", "he a bird with the [dob]"),
                arguments("oh you need my date of birth", "it's the forth of october nineteen ninety six",
                        "it's the [dob]"),
                arguments("", "yeah my data for is september twenty third", "yeah my data for is [dob]"),
                arguments("", "oh my date of birth but it's regional them for the surface nineteen forty three",
                        "oh my date of birth but it's regional them for the surface [dob]"),
                arguments("", "you mean by data for it's the thirty fifth of january hundred forty three",
                        "you mean by data for it's the [dob]"),
                // Social security numbers: nine digits with homophones after the cue.
                arguments("", "my social is one to three four five six seven ate nine", "my social is [ssn]"));
    }

    /** Cue words said of other things, and digit-like words in ordinary speech: never tagged. */
    static Stream<Arguments> misheardButKept() {
        return Stream.of(
                arguments("", "call me on monday"),
                arguments("", "my email never arrived"),
                arguments("", "i was born and raised here"),
                arguments("", "the card was declined"),
                arguments("", "my number is the same as before"),
                arguments("", "my card was charged for two months"),
                arguments("", "the email did not come"),
                arguments("my email is wrong", "i said that is not what i asked for"),
                arguments("", "i have been waiting for two hours to get through to you"),
                arguments("", "my phone has been dead for two weeks and nobody called me back"),
                arguments("could you ring me back", "i paid forty two pounds for it on the tenth"),
                arguments("", "i called two or three times about my phone bill of sixty five pounds"),
                arguments("", "i got a new phone and it won't connect to the wifi"),
                arguments("", "the card number is on the back of the card"),
                arguments("", "my date of birth is on the account already"),
                arguments("could you ring me back", "i paid sixty five pounds on the twenty first and forty two on the "
                        + "fourth"),
                arguments("", "my mobile data for this month ran out on the third"),
                arguments("", "i was born here and i have lived in the same house since nineteen eighty"),
                arguments("", "the bill says nineteen forty two and the last one said nineteen fifty"));
    }

    @ParameterizedTest
    @MethodSource("misheard")
    void misheardPrivateDataIsTaggedOverAllItsWords(String before, String heard, String expected) {
        assertEquals(expected, tagged(before, heard));
    }

    @ParameterizedTest
    @MethodSource("misheardButKept")
    void ordinarySpeechWithCuesOrDigitLikeWordsIsKept(String before, String heard) {
        assertEquals(heard, tagged(before, heard));
    }

    /** What the caller said before only explains what follows; it is never itself redacted twice or shifted. */
    @Test
    void spansAreInTheWordsNotInWhatWasSaidBefore() {
        assertEquals(List.of(new Span(1, 12, "[phone]")), Redactor.spans(
                List.of("please", "ring", "me", "back"),
                List.of("it's oh seven seven one two four oh nine double ate three".split(" "))));
        assertEquals(List.of(), Redactor.spans(List.of("my", "phone", "number", "is"), List.of()));
    }

    private static String tagged(String before, String heard) {
        List<String> words = List.of(heard.split(" "));
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Span span : Redactor.spans(before.isEmpty() ? List.of() : List.of(before.split(" ")), words)) {
            out.addAll(words.subList(next, span.from()));
            out.add(span.tag());
            next = span.to();
        }
        out.addAll(words.subList(next, words.size()));
        return String.join(" ", out);
    }

    /** One form wherever a number is shown: the desk, the supervisors' list and export, callbacks, the log. */
    @Test
    void aPhoneNumberIsShownByItsLastFourDigitsOnly() {
        assertEquals("…0100", Redactor.phone("+15555550100"));
        assertEquals("…0100", Redactor.phone("(555) 555-0100"));
        assertEquals("withheld", Redactor.phone("anonymous"));
        assertEquals("withheld", Redactor.phone(""));
        assertEquals("withheld", Redactor.phone(null));
    }

    @Test
    void quotesAndBracketsAroundANumberDoNotHideIt() {
        assertEquals("cannot parse '[card]'", Redactor.redact("cannot parse '4111 1111 1111 1111'"));
        assertEquals("numbers: [[card]], {\"to\": \"[phone]\"}",
                Redactor.redact("numbers: [4111111111111111], {\"to\": \"+15555550100\"}"));
        assertEquals("call me on [phone]", Redactor.redact("call me on (555) 555-0100"));
        assertEquals("it's 'fine'", Redactor.redact("it's 'fine'"));
    }

    @Test
    void nothingToReadComesBackAsItIs() {
        assertNull(Redactor.redact(null));
        assertEquals("", Redactor.redact(""));
    }

    @Test
    void logbackMessagesAreRedactedAfterFormatting() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("calls"), Level.INFO,
                "caller {} read out {}", null, new Object[] {"CA123", "4111 1111 1111 1111"});
        assertEquals("caller CA123 read out [card]", new RedactingMessageConverter().convert(event));
    }
}
