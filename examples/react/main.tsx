// The browser entry of the React example: `npm start` bundles it and serves it at /react.html.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatApp } from './chat-app';

const user = new URLSearchParams(location.search).get('user') ?? `guest-${Math.random().toString(36).slice(2, 6)}`;
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/foony`;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ChatApp url={url} user={user} />
  </StrictMode>,
);
