// The React API the package uses, imported here once: every module imports it from this file, so a bundle has one
// `import … from 'react'` (esbuild keeps one import statement per importing module).
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useInsertionEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';

export {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useInsertionEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
};
export type { DependencyList, ReactNode } from 'react';

/** `useLayoutEffect`, but `useEffect` where there is no DOM (server rendering: React 18 warns about a layout effect). */
export const useLayoutEffectOnClient = typeof document === 'undefined' ? useEffect : useLayoutEffect;
