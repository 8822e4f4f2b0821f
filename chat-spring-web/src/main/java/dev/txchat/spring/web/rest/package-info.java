/**
 * SDK.finance-shaped REST; see {@link dev.txchat.spring.web.rest.ChatRestController} and
 * {@link dev.txchat.spring.web.rest.TxchatRestAutoConfiguration}.
 */
package dev.txchat.spring.web.rest;
