/* global PolySocket */
// The playground drives every adapter through window.PolySocket, from the script-tag bundle.
(() => {
  'use strict';
  const { createClient, foonyPresence, ignisEncryption } = PolySocket;
  const $ = (id) => document.getElementById(id);
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  const fault = (kind, module) => fetch(`/_mock/faults/${kind}?module=${module}`, { method: 'POST' });

  // Each tab is its own user: a short random id kept in sessionStorage (per tab, unlike localStorage, and kept
  // across a reload of that tab). Foony and Ignis log in as guest-<id>, Sockr as ana-<id> and ben-<id>.
  const tab = (() => {
    const key = 'polysocket-playground:tab';
    let id;
    try {
      id = sessionStorage.getItem(key);
    } catch {
      // Storage may be off (privacy settings): a fresh id per load is fine.
    }
    if (!id) {
      id = Math.random().toString(36).slice(2, 6).padEnd(4, '0');
      try {
        sessionStorage.setItem(key, id);
      } catch {
        // See above.
      }
    }
    return id;
  })();
  const guest = `guest-${tab}`;
  $('tab-user').textContent = guest;

  function logger(listId) {
    return (text, kind = '') => {
      const list = $(listId);
      const item = document.createElement('li');
      item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
      if (kind) item.className = kind;
      list.appendChild(item);
      while (list.children.length > 200) list.firstChild.remove();
      list.scrollTop = list.scrollHeight;
    };
  }

  function showState(panel, state) {
    $(panel).dataset.state = state;
    $(`${panel}-state`).textContent = state;
  }

  function addMessage(listId, from, text) {
    const item = document.createElement('li');
    const who = document.createElement('span');
    who.className = 'from';
    who.textContent = from;
    item.append(who, document.createTextNode(text));
    $(listId).appendChild(item);
    $(listId).scrollTop = $(listId).scrollHeight;
  }

  function watchLifecycle(client, panel, log) {
    client.on('state', (state) => {
      showState(panel, state);
      log(`state → ${state}`, 'log-state');
    });
    client.on('reconnecting', ({ attempt, delayMs }) =>
      log(`reconnect attempt ${attempt} in ${Math.round(delayMs)} ms`),
    );
    client.on('error', (error) => log(`${error.code}: ${error.message}`, 'error'));
  }

  // ---- Foony ----
  (() => {
    const log = logger('foony-log');
    let client;
    let lastTick = 0;
    let received = 0;
    let missing = 0;
    let dupes = 0;
    let stopTicks;
    const setStat = (id, value, bad) => {
      $(id).textContent = String(value);
      if (bad !== undefined) $(id).className = bad ? 'bad' : 'good';
    };
    const ensure = () => {
      if (client) return client;
      // The mock takes `user:<clientId>` tokens; it announces a 2 s keepAliveMs under `npm start`, so a silent server is found in ~4 s.
      // Presence is an optional module: passed in because this panel shows the chat's members.
      client = createClient({
        protocol: 'foony',
        url: `${wsBase}/foony`,
        token: `user:${guest}`,
        presence: foonyPresence,
      });
      watchLifecycle(client, 'foony', log);
      client.on('rtt', (ms) => ($('foony-rtt').textContent = `${ms} ms`));
      client.on('connected', (session) =>
        log(`connected as ${session.clientId} (${session.connectionId}), keep-alive ${session.keepAliveMs} ms`),
      );
      const chat = client.channel('chat');
      chat.subscribe((message) => addMessage('foony-messages', message.clientId ?? '?', ` ${message.data}`));
      const renderMembers = () => {
        const names = [...chat.presence.members().values()].map(
          (m) => `${m.clientId}${m.data?.status ? ` (${m.data.status})` : ''}`,
        );
        $('foony-members').textContent = names.length ? names.join(', ') : 'none';
      };
      chat.presence.subscribe(({ action, member }) => {
        log(`presence ${action}: ${member.clientId}`);
        renderMembers();
      });
      return client;
    };
    $('foony-connect').onclick = () =>
      ensure()
        .connect()
        .catch(() => undefined);
    $('foony-close').onclick = () => client?.close();
    $('foony-drop').onclick = () => fault('drop', 'foony').then(() => log('fault: link dropped'));
    $('foony-silence').onclick = () =>
      fault('silence', 'foony').then(() => log('fault: server went silent (half-open): the next ping goes unanswered'));
    $('foony-send').onclick = () => {
      const text = $('foony-text').value.trim();
      if (!text) return;
      ensure()
        .channel('chat')
        .publish('text', text)
        .then(
          () => log(`published "${text}"`),
          (error) => log(`publish failed: ${error.code} ${error.message}`, 'error'),
        );
      $('foony-text').value = '';
    };
    $('foony-enter').onclick = () =>
      ensure()
        .channel('chat')
        .presence.enter({ status: 'here' })
        .then(
          () => log('entered presence'),
          (error) => log(`enter failed: ${error.message}`, 'error'),
        );
    $('foony-ticks').onchange = (event) => {
      const ticks = ensure().channel('ticks');
      if (event.target.checked) {
        stopTicks = ticks.subscribe((message) => {
          const n = message.data;
          received++;
          if (lastTick && n <= lastTick) dupes++;
          else if (lastTick && n > lastTick + 1) missing += n - lastTick - 1;
          lastTick = Math.max(lastTick, n);
          setStat('foony-ticks-count', received);
          setStat('foony-last-tick', lastTick);
          setStat('foony-ticks-missing', missing, missing > 0);
          setStat('foony-ticks-dupes', dupes, dupes > 0);
        });
        log('subscribed to ticks');
      } else {
        stopTicks?.();
        ticks.unsubscribe();
        lastTick = 0;
        log('unsubscribed from ticks');
      }
    };
  })();

  // ---- Ignis ----
  (() => {
    const log = logger('ignis-log');
    let client;
    const rooms = ['lobby'];
    const renderRooms = () => {
      $('ignis-rooms').innerHTML = '';
      for (const room of client ? client.joinedRooms : rooms) {
        const chip = document.createElement('span');
        chip.textContent = room;
        $('ignis-rooms').appendChild(chip);
      }
    };
    $('ignis-connect').onclick = () => {
      client?.close();
      const encrypted = $('ignis-encrypted').checked;
      client = createClient({
        protocol: 'ignis',
        url: `${wsBase}/${encrypted ? 'ignis-secure' : 'ignis'}`,
        auth: { token: `user:${guest}` },
        rooms: client ? [...client.joinedRooms] : rooms,
        // The optional encryption module (ECDH P-256 + AES-256-GCM on WebCrypto); /ignis-secure requires it.
        encryption: encrypted ? ignisEncryption() : undefined,
        // Keeps the server's heartbeat sweep content; it cannot find a silent server from a browser (see the panel).
        heartbeatIntervalMs: 10_000,
      });
      watchLifecycle(client, 'ignis', log);
      client.on('connected', (session) => {
        $('ignis-session').textContent =
          `${session.clientId.slice(0, 8)}… user ${session.userId ?? 'anonymous'} · encrypted: ${session.encrypted ? 'yes' : 'no'}`;
        log(`connected${session.encrypted ? ' (ECDH P-256 + AES-256-GCM)' : ''}`);
      });
      client.on('room-message', (data) => addMessage('ignis-messages', data.room ?? 'room', ` ${data.text}`));
      renderRooms();
      client.connect().catch(() => undefined);
    };
    $('ignis-close').onclick = () => client?.close();
    $('ignis-drop').onclick = () =>
      fault('drop', $('ignis-encrypted').checked ? 'ignis-secure' : 'ignis').then(() => log('fault: link dropped'));
    $('ignis-silence').onclick = () =>
      fault('silence', $('ignis-encrypted').checked ? 'ignis-secure' : 'ignis').then(() =>
        log(
          'fault: server went silent. Undetectable here: Ignis servers send no heartbeat and a page cannot ping (try Echo: it times out)',
          'error',
        ),
      );
    $('ignis-join').onclick = () => {
      const room = $('ignis-room').value.trim();
      try {
        if (client) client.join(room);
        else rooms.push(room);
        log(`join ${room}`);
      } catch (error) {
        log(`${error.code}: ${error.message}`, 'error');
      }
      renderRooms();
    };
    $('ignis-send').onclick = () => {
      const text = $('ignis-text').value.trim();
      const room = $('ignis-room').value.trim();
      if (!client || !text) return;
      client.emit('to-room', { room, event: 'room-message', data: { room, text } });
      $('ignis-text').value = '';
    };
    $('ignis-echo').onclick = async () => {
      if (!client) return;
      const started = performance.now();
      try {
        await client.request('echo', { at: Date.now() }, { timeoutMs: 5000 });
        $('ignis-echo-ms').textContent = `${Math.round(performance.now() - started)} ms`;
      } catch (error) {
        log(`echo: ${error.code} ${error.message}`, 'error');
      }
    };
    renderRooms();
  })();

  // ---- Sockr ----
  (() => {
    const log = logger('sockr-log');
    const anaId = `ana-${tab}`;
    const benId = `ben-${tab}`;
    // A message ana sent and ben has not got is "in flight" until it could have arrived: its send settled (stored
    // by the server, or failed) and ben has been connected since for GRACE_MS, time for the live copy or, after a
    // drop, ben's catch-up from history. Only then is it "missing". The client writes a DM again after a drop and
    // ben drops the second copy by its clientMessageId, so across drops nothing should ever be missing.
    const GRACE_MS = 3000;
    let ana;
    let ben;
    let streamTimer;
    let refreshTimer;
    let session = 0;
    let sent = 0;
    let dupes = 0;
    let benUpSince;
    /** clientMessageId → { settledAt, received }, for this connection's messages. */
    let outgoing = new Map();
    const setStat = (id, value, bad) => {
      $(id).textContent = String(value);
      if (bad !== undefined) $(id).className = bad ? 'bad' : 'good';
    };
    const update = () => {
      const now = Date.now();
      let received = 0;
      let missing = 0;
      for (const message of outgoing.values()) {
        if (message.received) received++;
        else if (
          message.settledAt !== undefined &&
          benUpSince !== undefined &&
          now - Math.max(message.settledAt, benUpSince) >= GRACE_MS
        )
          missing++;
      }
      setStat('sockr-sent', sent);
      setStat('sockr-received', received);
      setStat('sockr-inflight', sent - received - missing);
      setStat('sockr-missing', missing, missing > 0);
      setStat('sockr-dupes', dupes, dupes > 0);
    };
    const send = (text) => {
      const clientMessageId = `${tab}-${session}-${++sent}`;
      const message = { settledAt: undefined, received: false };
      outgoing.set(clientMessageId, message);
      update();
      const settled = () => {
        message.settledAt = Date.now();
        update();
      };
      ana.sendMessage(benId, text, { clientMessageId }).then(settled, (error) => {
        settled();
        log(`send failed: ${error.code} ${error.message}`, 'error');
      });
    };
    const stop = () => {
      clearInterval(streamTimer);
      clearInterval(refreshTimer);
      $('sockr-stream').checked = false;
      ana?.close();
      ben?.close();
    };
    $('sockr-connect').onclick = async () => {
      stop();
      session++;
      sent = 0;
      dupes = 0;
      benUpSince = undefined;
      outgoing = new Map();
      update();
      // Typing indicators are a module (`sockrTyping`): used when the script-tag bundle carries it.
      const options = { url: location.origin, typing: PolySocket.sockrTyping };
      ana = createClient({ protocol: 'sockr', ...options, token: `token:${anaId}` });
      ben = createClient({ protocol: 'sockr', ...options, token: `token:${benId}` });
      ana.on('state', (state) => log(`ana: ${state}`));
      ben.on('state', (state) => {
        showState('sockr', state);
        log(`ben: ${state}`, 'log-state');
        benUpSince = state === 'connected' ? Date.now() : undefined;
        update();
      });
      ana.on('error', (error) => log(`ana: ${error.code} ${error.message}`, 'error'));
      ben.on('error', (error) => log(`ben: ${error.code} ${error.message}`, 'error'));
      ben.on('message', (incoming) => {
        addMessage('sockr-inbox', incoming.from, ` ${incoming.content}`);
        const message = outgoing.get(incoming.metadata?.clientMessageId);
        if (!message) return; // from before this connection
        if (message.received) dupes++;
        message.received = true;
        update();
      });
      ben.on('typing', ({ userId, typing }) => ($('sockr-typing').textContent = typing ? `${userId} is typing…` : ''));
      ben.on('connect', () => ($('sockr-transport').textContent = ben.io.transport ?? '–'));
      refreshTimer = setInterval(update, 500);
      await Promise.all([ana.connect(), ben.connect()]).then(
        () => log(`${anaId} and ${benId} logged in`),
        (error) => log(`login failed: ${error.message}`, 'error'),
      );
    };
    $('sockr-close').onclick = stop;
    $('sockr-drop').onclick = () => fault('drop', 'sockr').then(() => log('fault: links dropped'));
    $('sockr-silence').onclick = () =>
      fault('silence', 'sockr').then(() => log('fault: server went silent: its Socket.IO pings stop'));
    $('sockr-text').oninput = () => PolySocket.sockrTyping && ana?.startTyping(benId);
    $('sockr-send').onclick = () => {
      const text = $('sockr-text').value.trim();
      if (!ana || !text) return;
      send(text);
      if (PolySocket.sockrTyping) ana.stopTyping(benId);
      $('sockr-text').value = '';
    };
    $('sockr-stream').onchange = (event) => {
      clearInterval(streamTimer);
      if (event.target.checked && ana) streamTimer = setInterval(() => send(`#${sent + 1}`), 200);
    };
  })();

  $('version').textContent = `exports: ${Object.keys(PolySocket).length}`;
  fetch('/version.json')
    .then((response) => (response.ok ? response.json() : undefined))
    .then((info) => {
      if (info?.polysocket) $('version').textContent = `polysocket ${info.polysocket} · ${$('version').textContent}`;
    })
    .catch(() => undefined);
})();
