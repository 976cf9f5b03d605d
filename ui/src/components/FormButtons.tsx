import type { IconButtonProps } from '@rjsf/utils';

// RJSF's default buttons show only a glyph icon: these say what they do, in words a screen reader
// and a test can find.

function words(id: string | undefined): string {
  // field_spec_variants__add → variants; field_metadata_labels__add → labels
  const parts = (id ?? '').replace(/__\w+$/, '').split('_').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function TextButton({ label, props }: { label: string; props: IconButtonProps }) {
  const { iconType, icon, className, uiSchema, registry, title, ...rest } = props;
  void iconType;
  void icon;
  void uiSchema;
  void registry;
  void title;
  return (
    <button type="button" className={`form-button ${className ?? ''}`} {...rest}>
      {label}
    </button>
  );
}

export const buttonTemplates = {
  AddButton: (props: IconButtonProps) => {
    const target = words(props.id);
    return <TextButton label={target ? `Add to ${target}` : 'Add'} props={{ ...props, className: 'add' }} />;
  },
  RemoveButton: (props: IconButtonProps) => <TextButton label="Remove" props={props} />,
  MoveUpButton: (props: IconButtonProps) => <TextButton label="Move up" props={props} />,
  MoveDownButton: (props: IconButtonProps) => <TextButton label="Move down" props={props} />,
  CopyButton: (props: IconButtonProps) => <TextButton label="Copy" props={props} />,
  ClearButton: (props: IconButtonProps) => <TextButton label="Clear" props={props} />,
};
