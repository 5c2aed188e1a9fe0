import { Type, type Static } from '../../schema/index.js';

export const InstanceParams = Type.Object({
  instance: Type.String({ description: "the instance (the connector's dataset)" }),
});
export type InstanceParamsT = Static<typeof InstanceParams>;
