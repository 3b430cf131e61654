// The React API the package uses, imported here once: every module imports it from this file, so a bundle has one
// `import … from 'react'` (esbuild keeps one import statement per importing module).
export {
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
export type { DependencyList, ReactNode } from 'react';
