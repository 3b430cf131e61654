export { once, waitFor } from '../../../../test/support/wait';
