package dev.txchat.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long chat records are kept and whether every change to them is recorded for a
 * regulator. Set it with {@link ChatServiceBuilder#compliance(CompliancePolicy)}; the
 * default is {@link #standard()}. Immutable.
 *
 * <p>{@link #standard()}: messages may be edited by their author within the
 * {@link #editWindow() edit window} and redacted; a redaction erases the text from storage.
 * No audit chain, no retention, no legal holds.
 *
 * <p>{@link #regulated(Duration)}: every version of every message is kept (a redaction only
 * hides the text from participants), every mutation of a conversation is an entry of a
 * per-conversation SHA-256 hash chain written in the same transaction, nothing younger than
 * the {@link #minimumRetention() minimum retention} can be removed by any call, legal holds
 * block every removal, and {@link ChatService#purgeExpired(Actor)} removes what is older than
 * the {@link #maximumRetention() maximum retention}, if one is set.
 */
public final class CompliancePolicy {

    /** How long after posting the author may still edit a message, unless set otherwise: 15 minutes. */
    public static final Duration DEFAULT_EDIT_WINDOW = Duration.ofMinutes(15);

    private static final CompliancePolicy STANDARD = new CompliancePolicy(false, Duration.ZERO, null,
            DEFAULT_EDIT_WINDOW);

    private final boolean regulated;
    private final Duration minimumRetention;
    private final Duration maximumRetention;
    private final Duration editWindow;

    private CompliancePolicy(boolean regulated, Duration minimumRetention, Duration maximumRetention,
                             Duration editWindow) {
        this.regulated = regulated;
        this.minimumRetention = minimumRetention;
        this.maximumRetention = maximumRetention;
        this.editWindow = editWindow;
    }

    /** Not regulated: edits and redactions are allowed, a redaction erases the text, nothing is audited. */
    public static CompliancePolicy standard() {
        return STANDARD;
    }

    /**
     * Regulated mode: every version kept, audit chain, legal holds, and nothing removed before
     * {@code minimumRetention} (for example 6 years for FINRA 4511, 5 to 7 for MiFID II). No
     * maximum retention: nothing is ever purged until {@link #withMaximumRetention} sets one.
     *
     * @throws IllegalArgumentException if {@code minimumRetention} is negative
     */
    public static CompliancePolicy regulated(Duration minimumRetention) {
        Objects.requireNonNull(minimumRetention, "minimumRetention");
        if (minimumRetention.isNegative()) {
            throw new IllegalArgumentException("minimumRetention must not be negative: " + minimumRetention);
        }
        return new CompliancePolicy(true, minimumRetention, null, DEFAULT_EDIT_WINDOW);
    }

    /**
     * This policy with a maximum retention: {@link ChatService#purgeExpired(Actor)} removes
     * messages older than it (unless held) and pseudonymises users whose processing was
     * restricted longer ago than it. Only for a regulated policy.
     *
     * @throws IllegalArgumentException if shorter than the minimum retention or not positive
     * @throws IllegalStateException    if this policy is not regulated
     */
    public CompliancePolicy withMaximumRetention(Duration maximumRetention) {
        Objects.requireNonNull(maximumRetention, "maximumRetention");
        if (!regulated) {
            throw new IllegalStateException("a maximum retention needs a regulated policy: CompliancePolicy.regulated(..)");
        }
        if (maximumRetention.isNegative() || maximumRetention.isZero()
                || maximumRetention.compareTo(minimumRetention) < 0) {
            throw new IllegalArgumentException("maximumRetention must be positive and at least the minimum retention "
                    + minimumRetention + ": " + maximumRetention);
        }
        return new CompliancePolicy(true, minimumRetention, maximumRetention, editWindow);
    }

    /**
     * This policy with another edit window; {@link Duration#ZERO} forbids editing.
     *
     * @throws IllegalArgumentException if negative
     */
    public CompliancePolicy withEditWindow(Duration editWindow) {
        Objects.requireNonNull(editWindow, "editWindow");
        if (editWindow.isNegative()) {
            throw new IllegalArgumentException("editWindow must not be negative: " + editWindow);
        }
        return new CompliancePolicy(regulated, minimumRetention, maximumRetention, editWindow);
    }

    /** Whether regulated mode is on. */
    public boolean regulated() {
        return regulated;
    }

    /** Nothing younger than this is removed by any call; zero when not regulated. */
    public Duration minimumRetention() {
        return minimumRetention;
    }

    /** What is older than this is purged by {@link ChatService#purgeExpired(Actor)}; null: kept forever. */
    public Duration maximumRetention() {
        return maximumRetention;
    }

    /** How long after posting the author may edit a message. */
    public Duration editWindow() {
        return editWindow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompliancePolicy p && p.regulated == regulated
                && p.minimumRetention.equals(minimumRetention)
                && Objects.equals(p.maximumRetention, maximumRetention) && p.editWindow.equals(editWindow);
    }

    @Override
    public int hashCode() {
        return Objects.hash(regulated, minimumRetention, maximumRetention, editWindow);
    }

    @Override
    public String toString() {
        return regulated
                ? "CompliancePolicy.regulated(min " + minimumRetention + ", max "
                        + (maximumRetention == null ? "none" : maximumRetention) + ", edit window " + editWindow + ")"
                : "CompliancePolicy.standard(edit window " + editWindow + ")";
    }
}
