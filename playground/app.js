/* global PolySocket */
// The playground drives every adapter through window.PolySocket, from the script-tag bundle.
(() => {
  'use strict';
  const { createClient } = PolySocket;
  const $ = (id) => document.getElementById(id);
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  const fault = (kind, module) => fetch(`/_mock/faults/${kind}?module=${module}`, { method: 'POST' });

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
    client.on('reconnecting', ({ attempt, delayMs }) => log(`reconnect attempt ${attempt} in ${Math.round(delayMs)} ms`));
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
      client = createClient({ protocol: 'foony', url: `${wsBase}/foony`, token: 'valid-token' });
      watchLifecycle(client, 'foony', log);
      client.on('rtt', (ms) => ($('foony-rtt').textContent = `${ms} ms`));
      client.on('connected', (session) => log(`connected as ${session.clientId} (${session.connectionId}), keep-alive ${session.keepAliveMs} ms`));
      const chat = client.channel('chat');
      chat.subscribe((message) => addMessage('foony-messages', message.clientId ?? '?', ` ${message.data}`));
      const renderMembers = () => {
        const names = [...chat.presence.members().values()].map((m) => `${m.clientId}${m.data?.status ? ` (${m.data.status})` : ''}`);
        $('foony-members').textContent = names.length ? names.join(', ') : 'none';
      };
      chat.presence.subscribe(({ action, member }) => {
        log(`presence ${action}: ${member.clientId}`);
        renderMembers();
      });
      return client;
    };
    $('foony-connect').onclick = () => ensure().connect().catch(() => undefined);
    $('foony-close').onclick = () => client?.close();
    $('foony-drop').onclick = () => fault('drop', 'foony').then(() => log('fault: link dropped'));
    $('foony-silence').onclick = () => fault('silence', 'foony').then(() => log('fault: server went silent (half-open)'));
    $('foony-send').onclick = () => {
      const text = $('foony-text').value.trim();
      if (!text) return;
      ensure()
        .channel('chat')
        .publish('text', text)
        .then(() => log(`published "${text}"`), (error) => log(`publish failed: ${error.code} ${error.message}`, 'error'));
      $('foony-text').value = '';
    };
    $('foony-enter').onclick = () =>
      ensure()
        .channel('chat')
        .presence.enter({ status: 'here' })
        .then(() => log('entered presence'), (error) => log(`enter failed: ${error.message}`, 'error'));
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
        auth: { token: 'good-token' },
        rooms: client ? [...client.joinedRooms] : rooms,
        encryption: encrypted,
        heartbeatIntervalMs: 10_000,
      });
      watchLifecycle(client, 'ignis', log);
      client.on('connected', (session) => {
        $('ignis-session').textContent = `${session.clientId.slice(0, 8)}… user ${session.userId ?? 'anonymous'} · encrypted: ${session.encrypted ? 'yes' : 'no'}`;
        log(`connected${session.encrypted ? ' (ECDH P-256 + AES-256-GCM)' : ''}`);
      });
      client.on('room-message', (data) => addMessage('ignis-messages', data.room ?? 'room', ` ${data.text}`));
      renderRooms();
      client.connect().catch(() => undefined);
    };
    $('ignis-close').onclick = () => client?.close();
    $('ignis-drop').onclick = () => fault('drop', $('ignis-encrypted').checked ? 'ignis-secure' : 'ignis').then(() => log('fault: link dropped'));
    $('ignis-silence').onclick = () => fault('silence', $('ignis-encrypted').checked ? 'ignis-secure' : 'ignis').then(() => log('fault: server went silent'));
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
    let ana;
    let ben;
    let sent = 0;
    let streamTimer;
    const seen = new Map();
    let dupes = 0;
    const update = () => {
      $('sockr-sent').textContent = String(sent);
      $('sockr-received').textContent = String(seen.size);
      const missing = Math.max(0, sent - seen.size);
      $('sockr-missing').textContent = String(missing);
      $('sockr-dupes').textContent = String(dupes);
      $('sockr-dupes').className = dupes > 0 ? 'bad' : 'good';
    };
    const send = (text) => {
      sent++;
      update();
      ana.sendMessage('ben', text).catch((error) => log(`send failed: ${error.code} ${error.message}`, 'error'));
    };
    $('sockr-connect').onclick = async () => {
      ana?.close();
      ben?.close();
      const options = { url: location.origin, transports: ['websocket'] };
      ana = createClient({ protocol: 'sockr', ...options, token: 'token:ana' });
      ben = createClient({ protocol: 'sockr', ...options, token: 'token:ben' });
      ben.on('state', (state) => {
        showState('sockr', state);
        log(`ben: ${state}`, 'log-state');
      });
      ana.on('error', (error) => log(`ana: ${error.code} ${error.message}`, 'error'));
      ben.on('error', (error) => log(`ben: ${error.code} ${error.message}`, 'error'));
      ben.on('message', (message) => {
        if (seen.has(message.messageId)) dupes++;
        seen.set(message.messageId, message.content);
        addMessage('sockr-inbox', message.from, ` ${message.content}`);
        update();
      });
      ben.on('typing', ({ userId, typing }) => ($('sockr-typing').textContent = typing ? `${userId} is typing…` : ''));
      ben.on('connect', () => ($('sockr-transport').textContent = ben.io.transport ?? '–'));
      await Promise.all([ana.connect(), ben.connect()]).then(
        () => log('ana and ben logged in'),
        (error) => log(`login failed: ${error.message}`, 'error'),
      );
    };
    $('sockr-close').onclick = () => {
      clearInterval(streamTimer);
      ana?.close();
      ben?.close();
    };
    $('sockr-drop').onclick = () => fault('drop', 'sockr').then(() => log('fault: links dropped'));
    $('sockr-silence').onclick = () => fault('silence', 'sockr').then(() => log('fault: server went silent'));
    $('sockr-text').oninput = () => ana?.startTyping('ben');
    $('sockr-send').onclick = () => {
      const text = $('sockr-text').value.trim();
      if (!ana || !text) return;
      send(text);
      ana.stopTyping('ben');
      $('sockr-text').value = '';
    };
    $('sockr-stream').onchange = (event) => {
      clearInterval(streamTimer);
      if (event.target.checked && ana) streamTimer = setInterval(() => send(`#${sent + 1}`), 200);
    };
  })();

  $('version').textContent = `exports: ${Object.keys(PolySocket).length}`;
})();
