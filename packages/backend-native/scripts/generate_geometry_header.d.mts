export declare const geometrySpecPath: string;
export declare const geometryHeaderPath: string;
export declare function geometryHeader(spec: Record<string, unknown>): string;
export declare function writeGeometryHeader(): string;
