/** Reading entities through the public OData routes (`…/data/{entity}`): paths and literals. */
import { api, instancePath, query } from './api.client';
import type { ODataPage } from './api.types';

export { odataString } from './odata.filter';

export function getEntityPage<T>(
  instance: string,
  entity: string,
  params: {
    $filter?: string;
    $select?: string;
    $orderby?: string;
    $top?: number;
    $skip?: number;
    $count?: string;
  },
): Promise<ODataPage<T>> {
  return api.get<ODataPage<T>>(
    instancePath(instance, `/data/${encodeURIComponent(entity)}${query(params)}`),
  );
}

/** Get item: one row by its key. */
export function getEntityItem<T>(instance: string, entity: string, key: string): Promise<T> {
  return api.get<T>(
    instancePath(instance, `/data/${encodeURIComponent(entity)}/${encodeURIComponent(key)}`),
  );
}
