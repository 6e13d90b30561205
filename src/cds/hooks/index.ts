import { appointmentBook } from './appointment-book';
import { orderDispatch } from './order-dispatch';
import { orderSelect } from './order-select';
import { orderSign } from './order-sign';
import { HOOK_NAMES, type HookDefinition, type HookName } from './types';

/** The hooks the engine serves, by name. A declaration lists the ones its service answers. */
export const HOOKS: Readonly<Record<HookName, HookDefinition>> = {
  'order-sign': orderSign,
  'order-select': orderSelect,
  'order-dispatch': orderDispatch,
  'appointment-book': appointmentBook,
};

export function isHookName(name: unknown): name is HookName {
  return typeof name === 'string' && (HOOK_NAMES as readonly string[]).includes(name);
}

export { HOOK_NAMES, type HookDefinition, type HookName } from './types';
