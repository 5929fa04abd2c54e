/** A long identifier (feature_name, data_drift.psi.x) that may wrap after `_ . - /` on narrow screens; always text, never markup. */
import { Fragment } from 'preact';

export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[_.\-/])/);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
