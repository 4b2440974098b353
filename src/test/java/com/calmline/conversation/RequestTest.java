package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "i want to speak to an m b l r g h more a simple",
            "i want to speak to a real person",
            "i wanna talk to the uh porridge fender",
            "i won't to speak too a manager",
            "can i talk with somebody please",
            "let me speak to whoever is in charge",
            "speak to a human",
            "talk to someone",
            "transfer me now",
            "just put me through to billing",
            "get me a manager",
            "get me someone who knows what they are doing",
            "i want your supervisor",
            "where's your manager",
            "i need to speak with a customer service representative",
            "could i speak to the plumbing alarm",
            "i'd like to talk to someone about my bill",
            "put me through",
            "agent",
    })
    void hearsAPersonRequestFromItsShapeEvenWhenTheEndIsGarbled(String clause) {
        assertEquals(List.of(Request.Kind.PERSON), kinds(clause), clause);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "i spoke to someone last week and they promised a refund",
            "i've talked to three people already",
            "the manager said it would be fixed",
            "can i talk to you about my bill",
            "i want to speak to you about the charges",
            "get me my money back",
            "my internet keeps dropping out every night",
            "the person who delivered it left it in the rain",
            "i was talking to my neighbour and she has the same problem",
    })
    void doesNotHearOneInPastTenseTalkOrTheLineItself(String clause) {
        assertFalse(kinds(clause).contains(Request.Kind.PERSON), clause);
    }

    private static List<Request.Kind> kinds(String text) {
        return Request.in(text).stream().map(Request::kind).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "callback | could you ring me back after lunch",
            "callback | have someone phone me back on my mobile",
            "callback | i'd rather you gave me a call back tomorrow",
            "callback | can somebody get back to me this week",
            "callback | call me tomorrow morning please",
            "callback | just get your manager to call me",
            "callback | i'd like a callback",
            "cancel | i want to cancel my broadband",
            "cancel | please close my account",
            "cancel | just end the contract",
            "cancel | i need to get out of this contract",
            "cancel | can you discontinue the landline",
            "cancel | i want out",
            "cancel | terminate it please",
            "pay | i'd like to make a payment",
            "pay | can i pay my bill over the phone",
            "pay | i want to settle what i owe",
            "pay | could i clear the balance today",
            "pay | i'll pay it off now",
            "change-details | i need to update my address",
            "change-details | can you change the email on my account",
            "change-details | please correct my surname",
            "change-details | can you update it to [email]",
            "change-details | my new number is [phone]",
            "change-details | i've moved house",
            "change-details | could you put my new card on the account",
    })
    void hearsEachKindSaidManyWays(String kind, String text) {
        assertTrue(Request.in(text).stream().anyMatch(r -> r.label().equals(kind)), kind + ": " + text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "i'm not cancelling anything",
            "you cancelled my order without telling me",
            "somebody over there cancelled my internet",
            "nobody ever called me back",
            "they said they would call me back within the hour",
            "they promised to ring me back",
            "i paid that bill last month",
            "i already paid it",
            "i'm not paying for something i never ordered",
            "they changed my tariff without asking",
            "i changed my address last year and you still send letters to the old one",
            "i already spoke to a manager",
            "i don't want to be transferred again",
            "fix it or i will cancel",
            "i'm going to cancel if this carries on",
            "at the end of the month the price goes up",
            "the driver left the parcel by the door",
    })
    void hearsNoRequestInWhatIsDeniedReportedDoneOrThreatened(String text) {
        assertEquals(List.of(), kinds(text), text);
    }
}
