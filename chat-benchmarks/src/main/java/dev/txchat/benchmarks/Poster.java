package dev.txchat.benchmarks;

import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Posts one staff message per call into the conversation it was made for. The benchmarks,
 * the paired run and the decay run all post through posters, so txchat and each baseline do
 * exactly the same thing wherever they are measured.
 */
@FunctionalInterface
public interface Poster {

    /** Posts one message; returns what the call returned, for JMH to consume. */
    Object post() throws Exception;

    /** Who posts. */
    enum Side {
        /** {@code ChatService.postMessage} as a staff participant. */
        TXCHAT("txchat"),
        /** The same, on a service with one no-op listener registered. */
        LISTENED("txchat + 1 listener"),
        /** The same, on a service in regulated mode (one audit entry per post). */
        REGULATED("txchat, regulated mode"),
        /** {@link RawJdbc#postMessage}: the raw append into the library's full schema (baseline a). */
        RAW("raw JDBC"),
        /** {@link RawMinimal#postMessage}: the minimal correct append on its own tables (baseline b). */
        MINIMAL("raw minimal");

        private final String label;

        Side(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** A new conversation of the staff user with {@code businessUser}, and a poster into it. */
        public Poster create(Env env, String businessUser) throws SQLException {
            return switch (this) {
                case TXCHAT -> txchat(env, env.chat, env.newConversation(businessUser));
                case LISTENED -> txchat(env, env.listenedChat, env.newConversation(businessUser));
                case REGULATED -> txchat(env, env.regulatedChat, env.newConversation(businessUser));
                case RAW -> {
                    Conversation c = env.newConversation(businessUser);
                    String id = c.id().toString();
                    String sender = env.staffParticipant(c);
                    yield () -> env.raw.postMessage(id, sender, BenchData.STAFF_USER, Env.BODY);
                }
                case MINIMAL -> {
                    String id = env.minimal.newConversation();
                    String sender = UUID.randomUUID().toString();
                    yield () -> env.minimal.postMessage(id, sender, Env.BODY);
                }
            };
        }

        private static Poster txchat(Env env, ChatService chat, Conversation c) {
            return () -> chat.postMessage(env.staff, c.id(), NewMessage.of(Env.BODY));
        }
    }
}
