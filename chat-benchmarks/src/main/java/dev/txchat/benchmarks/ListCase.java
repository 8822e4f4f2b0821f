package dev.txchat.benchmarks;

import dev.txchat.core.Actor;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationView;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import java.util.function.ToLongFunction;

/**
 * The conversation lists the suite measures, each the first page of
 * {@code listConversations(first(50))}, with the {@code totalCount} it must report on each
 * {@link DataSet}.
 */
enum ListCase {
    /** Staff, every live conversation. */
    STAFF("staff, unfiltered", "Staff", true, null, ConversationFilter.all(), DataSet::expectedAll),
    /** Staff, the transaction chats (a tenth). */
    STAFF_KIND("staff, kind = TRANSACTION (1/10)", "StaffKind", false, null,
            ConversationFilter.all().withKind(ConversationKind.TRANSACTION), DataSet::expectedTransactions),
    /** Staff, the conversations of one organization (a tenth). */
    STAFF_ORGANIZATION("staff, participantId = organization (1/10)", "StaffOrganization", false, null,
            ConversationFilter.all().withParticipantId("bench-org-2"), set -> set.expectedOfBusiness(2)),
    /** A business user's inbox; the user's organization holds a tenth. */
    BUSINESS("business user's inbox (org holds 1/10)", "Business", true, Actor.business("bench-bu-1", "bench-org-1"),
            ConversationFilter.all(), set -> set.expectedOfBusiness(1));

    static final int PAGE = 50;
    /** The raw baseline's scope for {@link #BUSINESS}. */
    static final RawJdbc.Scope BUSINESS_SCOPE = new RawJdbc.Scope("bench-bu-1", "bench-org-1");

    private final String label;
    private final String benchmark;
    private final boolean baseline;
    private final Actor actor;
    private final ConversationFilter filter;
    private final ToLongFunction<DataSet> expected;

    ListCase(String label, String benchmark, boolean baseline, Actor actor, ConversationFilter filter,
             ToLongFunction<DataSet> expected) {
        this.label = label;
        this.benchmark = benchmark;
        this.baseline = baseline;
        this.actor = actor;
        this.filter = filter;
        this.expected = expected;
    }

    String label() {
        return label;
    }

    /** The {@link ListConversationsBenchmark} method of txchat's page. */
    String txchatBenchmark() {
        return "ListConversationsBenchmark.txchat" + benchmark;
    }

    /** The {@link ListConversationsBenchmark} method of the raw baseline's page, or null if none. */
    String baselineBenchmark() {
        return baseline ? "ListConversationsBenchmark.baseline" + benchmark : null;
    }

    /** The {@code totalCount} the page must report on {@code set}. */
    long expected(DataSet set) {
        return expected.applyAsLong(set);
    }

    /** The first page, as {@code env}'s staff user unless the case names a business actor. */
    Page<ConversationView> firstPage(Env env) {
        return env.chat.listConversations(actor == null ? env.staff : actor, filter, PageRequest.first(PAGE));
    }

    /** The {@code totalCount} the first page reports. */
    long total(Env env) {
        return firstPage(env).totalCount();
    }
}
