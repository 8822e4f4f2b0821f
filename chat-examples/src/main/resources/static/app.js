// txchat web example: plain JS over chat-spring-web's REST API and its SSE stream.
// DEMO ONLY: the user is whatever ?as= says (see DemoActorResolver); a real page would rely on
// the host's login instead.
(function () {
  'use strict';
  var as = new URLSearchParams(location.search).get('as');
  if (!as) { return; }
  var operator = as === 'operator';
  var mySide = operator ? 'SERVICE' : 'BUSINESS';
  var otherSide = operator ? 'BUSINESS' : 'SERVICE';
  var selected = null;
  var conversations = [];

  var $ = function (id) { return document.getElementById(id); };
  $('pick').hidden = true;
  $('app').hidden = false;
  $('role').textContent = operator ? '— operator console' : '— seller view (' + as + ')';
  $('list-title').textContent = operator ? 'Seller threads and transaction chats' : 'Your conversations';

  function api(path, body) {
    var sep = path.indexOf('?') < 0 ? '?' : '&';
    return fetch('/api/v1' + path + sep + 'as=' + encodeURIComponent(as), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        if (!r.ok) {
          var e = (json.errors && json.errors[0] && json.errors[0].messages.join(', ')) || ('HTTP ' + r.status);
          throw new Error(e);
        }
        return json;
      });
    });
  }

  function showError(e) { $('error').textContent = e ? String(e.message || e) : ''; }

  function label(c) {
    if (c.kind === 'ACCOUNT') {
      return { title: (operator ? 'Seller ' + c.organizationId : 'Account thread with the platform'),
               sub: 'account thread' };
    }
    if (c.kind === 'TRANSACTION') {
      return { title: 'Transaction ' + c.transactionId,
               sub: operator ? 'with ' + (c.organizationId || sellerOf(c)) : 'transaction chat' };
    }
    return { title: c.subject || c.kind, sub: c.kind.toLowerCase() };
  }

  function sellerOf(c) {
    var b = (c.participants || []).filter(function (p) { return p.type === 'BUSINESS'; })[0];
    return b ? (b.userId || b.organizationId || 'seller') : 'seller';
  }

  function loadConversations() {
    return api('/conversations/view', { first: 100 }).then(function (page) {
      conversations = page.nodes;
      renderConversations();
    }).catch(showError);
  }

  function renderConversations() {
    var ul = $('conversations');
    ul.textContent = '';
    conversations.forEach(function (c) {
      var l = label(c);
      var li = document.createElement('li');
      li.dataset.id = c.id;
      li.dataset.kind = c.kind;
      li.dataset.org = c.organizationId || '';
      li.dataset.transaction = c.transactionId || '';
      li.className = 'conversation' + (c.id === selected ? ' selected' : '');
      var text = document.createElement('div');
      var strong = document.createElement('strong');
      strong.textContent = l.title;
      var small = document.createElement('small');
      small.textContent = l.sub + (c.lastMessage ? ' · ' + c.lastMessage.message.slice(0, 40) : '');
      text.appendChild(strong);
      text.appendChild(small);
      li.appendChild(text);
      if (c.unreadCount > 0) {
        var badge = document.createElement('span');
        badge.className = 'badge unread';
        badge.textContent = c.unreadCount;
        li.appendChild(badge);
      }
      li.addEventListener('click', function () { open(c.id); });
      ul.appendChild(li);
    });
  }

  function open(id) {
    selected = id;
    var c = conversations.filter(function (x) { return x.id === id; })[0];
    $('conversation-title').textContent = c ? label(c).title : 'Conversation';
    $('composer').hidden = false;
    renderConversations();
    loadMessages().then(function () { $('message').focus(); });
  }

  function loadMessages() {
    var id = selected;
    if (!id) { return Promise.resolve(); }
    return api('/conversations/' + id + '/messages/view', { last: 100 }).then(function (page) {
      if (id !== selected) { return; }
      var ol = $('messages');
      ol.textContent = '';
      page.nodes.slice().sort(function (a, b) { return a.sequence - b.sequence; }).forEach(function (m) {
        var li = document.createElement('li');
        li.className = 'msg' + (m.sentByType === mySide ? ' mine' : '');
        li.dataset.sequence = m.sequence;
        var body = document.createElement('div');
        body.className = 'body';
        body.textContent = m.message;
        var meta = document.createElement('div');
        meta.className = 'meta';
        meta.textContent = (m.sentByType === 'SERVICE' ? 'platform' : 'seller') +
            (m.authorUserId ? ' (' + m.authorUserId + ')' : '') + ' · ' + new Date(m.createdAt).toLocaleTimeString() +
            (m.readAt ? ' · read' : '');
        li.appendChild(body);
        li.appendChild(meta);
        ol.appendChild(li);
      });
      ol.scrollTop = ol.scrollHeight;
      var c = conversations.filter(function (x) { return x.id === id; })[0];
      if (c && c.unreadCount > 0) { return markRead(id); }
    }).catch(showError);
  }

  // marks the other side's messages read: POST /conversations/{id}/read
  function markRead(id) {
    return api('/conversations/' + id + '/read', { sentBy: otherSide }).then(loadConversations);
  }

  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('message').value.trim();
    if (!text || !selected) { return; }
    api('/conversations/' + selected + '/messages', {
      message: text,
      clientMessageId: 'web-' + Date.now() + '-' + Math.random().toString(36).slice(2)
    }).then(function () {
      $('message').value = '';
      showError(null);
      return loadMessages();
    }).then(loadConversations).catch(showError);
  });

  // live updates: every change-feed entry this user may see refreshes the list and the open chat
  var refreshing = null;
  function refresh(event) {
    var data = {};
    try { data = JSON.parse(event.data); } catch (ignored) { /* keep going */ }
    if (refreshing) { return; }
    refreshing = setTimeout(function () {
      refreshing = null;
      loadConversations().then(loadMessages);
    }, 50);
    return data;
  }
  var stream = new EventSource('/chat/stream?as=' + encodeURIComponent(as));
  ['ConversationStarted', 'MessagePosted', 'MessagesRead', 'ConversationDeleted',
   'ParticipantAdded', 'ParticipantRemoved'].forEach(function (type) {
    stream.addEventListener(type, refresh);
  });
  stream.onopen = function () { $('live').className = 'on'; $('live').textContent = 'live'; };
  stream.onerror = function () { $('live').className = 'off'; $('live').textContent = 'reconnecting…'; };

  loadConversations();
})();
