/**
 * A server-sent-event stream of the change feed; see
 * {@link dev.txchat.spring.web.stream.ChatStreamController},
 * {@link dev.txchat.spring.web.stream.ChatFeedBroadcaster} and
 * {@link dev.txchat.spring.web.stream.TxchatStreamAutoConfiguration}.
 */
package dev.txchat.spring.web.stream;
