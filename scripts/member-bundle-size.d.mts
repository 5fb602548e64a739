export declare const CARD_PAGE_BUDGET_BYTES: number;
export declare function cardPageSize(dist: string): { initial_js_gzip: number; files: { file: string; gzip: number }[]; lazy: { file: string; gzip: number }[] };
