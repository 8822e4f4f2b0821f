package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ContentPolicy;

/** {@link ContentPolicy#defaults()}. Stateless and thread-safe. */
public enum DefaultContentPolicy implements ContentPolicy {
    INSTANCE;

    @Override
    public String apply(String body) {
        if (body == null) {
            throw ValidationException.of("body", "is required");
        }
        String text = body.replace("\r\n", "\n").strip();
        if (text.isEmpty() || Checks.isBlankOrInvisible(text)) {
            // zero-width spaces, BOMs, NBSPs and the like would store a message that shows nothing
            throw ValidationException.of("body", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > DEFAULT_MAX_LENGTH) {
            throw ValidationException.of("body", "must be at most " + DEFAULT_MAX_LENGTH + " characters");
        }
        if (Checks.hasControlOrLoneSurrogate(text, true)) {
            throw ValidationException.of("body",
                    "must not contain control characters other than newline and tab, nor unpaired surrogates");
        }
        if (Checks.hasBidiControl(text)) {
            throw ValidationException.of("body", Checks.BIDI_MESSAGE);
        }
        return CardNumbers.mask(text);
    }

    @Override
    public String toString() {
        return "ContentPolicy.defaults()";
    }
}
