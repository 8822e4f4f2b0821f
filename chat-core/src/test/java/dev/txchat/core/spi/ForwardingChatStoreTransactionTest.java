package dev.txchat.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decorator that answered an operation with the interface's default, instead of forwarding
 * it, would hide what the wrapped store does (regulated mode's operations all have defaults
 * that throw). Every operation of the SPI, those with defaults included, must reach the delegate.
 */
class ForwardingChatStoreTransactionTest {

    @Test
    void everyOperationOfTheSpiReachesTheDelegate() throws Exception {
        List<String> reached = new ArrayList<>();
        ChatStoreTransaction recorder = (ChatStoreTransaction) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ChatStoreTransaction.class}, (proxy, method, args) -> {
                    reached.add(method.getName());
                    return zero(method.getReturnType());
                });
        ForwardingChatStoreTransaction forwarding = new ForwardingChatStoreTransaction(recorder) { };

        List<String> operations = new ArrayList<>();
        for (Method m : ChatStoreTransaction.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            operations.add(m.getName());
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = zero(m.getParameterTypes()[i]);
            }
            m.invoke(forwarding, args);
        }

        assertThat(operations).hasSizeGreaterThan(40);
        assertThat(reached).containsExactlyInAnyOrderElementsOf(operations);
    }

    private static Object zero(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
